// The one CSV writer of the project (CLI predictions, the demo page's download): RFC 4180 quoting
// plus OWASP's CSV-injection rule, so a cell never runs as a spreadsheet formula.

// A plain decimal or scientific number: left unchanged even when it starts with '-' or '+'.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// What spreadsheets read as the start of a formula (or strip before one): = + - @ TAB CR.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: text starting with = + - @ TAB or CR gets a leading single quote (numbers such as
 * -1.5 stay as they are), then the cell is quoted when it holds a quote, a comma or a line break.
 */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (typeof value !== 'number' && FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of cells as CSV text: cells escaped by csvCell, '\n' line ends, a final line break. */
export function toCsv(rows: Iterable<ReadonlyArray<string | number>>): string {
  let out = '';
  for (const row of rows) out += row.map(csvCell).join(',') + '\n';
  return out;
}
