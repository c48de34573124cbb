// The safetensors file format, written and read in the package (no dependency): u64 little-endian
// header length N | N bytes of JSON header (padded with spaces to 8 bytes) | raw little-endian tensors.
// Only float32 ('F32') tensors; every malformed header field is a MoEError naming it.
import { MoEError } from './errors.js';

/** One tensor: shape (row-major) and its float32 values. */
export interface SafeTensor {
  shape: number[];
  data: Float32Array;
}

const MAX_HEADER_BYTES = 100 * 2 ** 20; // the reference implementation's limit

/** Encodes tensors (in the given order) and string metadata as a safetensors file. */
export function encodeSafetensors(tensors: Array<[string, SafeTensor]>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20); // spaces
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/** True when the bytes start like a safetensors file (a plausible header length, then '{'). */
export function looksLikeSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(b.length - 8) && b[8] === 0x7b;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Decodes a safetensors file: tensors by name (F32 only) and the metadata strings. */
export function decodeSafetensors(b: Uint8Array, what = 'safetensors file'): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 8) throw new MoEError(`${what}: ${b.length} bytes is too short for a safetensors header`, 'Corrupt');
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER_BYTES, b.length - 8))) {
    throw new MoEError(`${what}: the header length ${n} does not fit the file of ${b.length} bytes`, 'Corrupt');
  }
  const dataStart = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(8, dataStart)));
  } catch (e) {
    throw new MoEError(`${what}: the header is not valid UTF-8 JSON (${(e as Error).message})`, 'Corrupt');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new MoEError(`${what}: the header is not a JSON object`, 'Corrupt');
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const dataBytes = b.length - dataStart;
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new MoEError(`${what}: __metadata__ must be an object of strings`, 'Corrupt');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new MoEError(`${what}: __metadata__['${k}'] must be a string`, 'Corrupt');
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!e || typeof e !== 'object') throw new MoEError(`${what}: tensor '${name}' has no {dtype, shape, data_offsets} entry`, 'Corrupt');
    if (e.dtype !== 'F32') throw new MoEError(`${what}: tensor '${name}' has dtype ${JSON.stringify(e.dtype)}; only F32 (float32) is read`, 'Corrupt');
    if (!Array.isArray(e.shape) || !e.shape.every(isIndex)) throw new MoEError(`${what}: tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`, 'Corrupt');
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !isIndex(off[0]) || !isIndex(off[1]) || off[0] > off[1] || off[1] > dataBytes) {
      throw new MoEError(`${what}: tensor '${name}' has data_offsets ${JSON.stringify(off)} outside the ${dataBytes} data bytes`, 'Corrupt');
    }
    const count = (e.shape as number[]).reduce((a, d) => a * d, 1);
    if (off[1] - off[0] !== count * 4) {
      throw new MoEError(`${what}: tensor '${name}' of shape [${(e.shape as number[]).join(', ')}] needs ${count * 4} bytes but data_offsets span ${off[1] - off[0]}`, 'Corrupt');
    }
    const data = new Float32Array(count);
    for (let i = 0, at = dataStart + off[0]; i < count; i++, at += 4) data[i] = view.getFloat32(at, true);
    tensors.set(name, { shape: [...(e.shape as number[])], data });
  }
  return { tensors, metadata };
}
