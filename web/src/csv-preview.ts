// Page-side checks and a display-only preview of an uploaded file: rejects what is clearly not a CSV
// (binary, JSON, too large, empty) before the worker sees it. The real parsing is the package's job.

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const PREVIEW_ROWS = 8;

/** Returns a human-readable reason why `bytes` (named `name`) is not a usable CSV, or null. */
export function rejectReason(name: string, bytes: Uint8Array): string | null {
  if (bytes.length === 0) return `"${name}" is empty.`;
  if (bytes.length > MAX_FILE_BYTES) {
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    return `"${name}" is ${mb} MB; this page accepts CSV files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`;
  }
  const head = bytes.subarray(0, Math.min(bytes.length, 64 * 1024));
  if (head.includes(0)) return `"${name}" looks like a binary file (it contains NUL bytes), not a CSV text file.`;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.length < bytes.length ? trimUtf8(head) : head);
  } catch {
    return `"${name}" is not UTF-8 text; save it as a UTF-8 CSV and try again.`;
  }
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    const full = new TextDecoder().decode(bytes).trim();
    try {
      JSON.parse(full.replace(/^\uFEFF/, ''));
      return `"${name}" contains JSON, not CSV. Export the data as comma-separated values (a header row, then one row per line).`;
    } catch {
      /* not JSON after all: let the CSV reader judge it */
    }
  }
  if (start.startsWith('<')) return `"${name}" looks like HTML or XML, not CSV.`;
  return null;
}

/** Drops a trailing partial UTF-8 sequence so a prefix can be decoded strictly. */
function trimUtf8(b: Uint8Array): Uint8Array {
  let end = b.length;
  let back = 0;
  while (end > 0 && back < 3 && (b[end - 1] & 0xc0) === 0x80) {
    end--;
    back++;
  }
  if (end > 0 && b[end - 1] >= 0xc0) end--;
  return b.subarray(0, end);
}

/** Guesses the delimiter from the first line (display only). */
function sniffDelimiter(line: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** The first rows of a CSV text as cells (RFC 4180 quotes handled), for the preview table only. */
export function previewRows(bytes: Uint8Array, maxRows = PREVIEW_ROWS + 1): string[][] {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 256 * 1024))).replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delim = sniffDelimiter(firstLine);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delim) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (rows.length < maxRows && (field !== '' || row.length > 0)) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
