// The page's own limit on what it reads into memory: files over MAX_FILE_BYTES (and empty files) are
// refused before the worker sees them. Whether the bytes are a CSV is the package reader's call.

export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Why `name` (of `size` bytes) is not read at all, or null. */
export function sizeReason(name: string, size: number): string | null {
  if (size === 0) return `"${name}" is empty.`;
  if (size > MAX_FILE_BYTES) {
    return `"${name}" is ${(size / 1024 / 1024).toFixed(1)} MB; this page accepts CSV files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`;
  }
  return null;
}
