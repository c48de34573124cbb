// The two error classes the package throws: MoEError (bad input, bad state, any failure reported by
// the wasm core) and AbortError (a fit cancelled through an AbortSignal). Nothing else lives here.

/** Every failure the package reports: bad options, bad data, corrupt model bytes, disposed objects. */
export class MoEError extends Error {
  /** The core's status code name when the error came from C++ ('InvalidArgument', 'ParseError', ...). */
  readonly code: string;
  constructor(message: string, code = 'InvalidArgument') {
    super(message);
    this.name = 'MoEError';
    this.code = code;
  }
}

/** Thrown (as a rejection) when a fit is cancelled through its AbortSignal. The model stays usable. */
export class AbortError extends Error {
  constructor(message = 'the operation was aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

/** A status value as the Embind layer returns it: code 0 = ok; name from the core's to_string(StatusCode). */
export interface RawStatus {
  code: number;
  name?: string;
  message: string;
}

/** Throws MoEError when a raw status from the wasm module is not ok. */
export function check<T extends RawStatus>(result: T, context?: string): T {
  if (result.code !== 0) {
    throw new MoEError(context ? `${context}: ${result.message}` : result.message, result.name ?? 'Internal');
  }
  return result;
}
