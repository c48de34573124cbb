// The data card's view: the preview table, the target choices, the detected task and the notices.
// Renders what moe-wasm reported about the file (RemoteDataset metadata); text only, never HTML.
import type { RemoteDataset } from 'moe-wasm/worker';

export interface DataView {
  preview: HTMLTableElement;
  target: HTMLSelectElement;
  taskDetected: HTMLElement;
  warnings: HTMLElement;
}

export function option(select: HTMLSelectElement, value: string, label = value): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}

/** The header row plus the first rows as cells. */
export function renderPreview(v: DataView, rows: string[][]): void {
  const thead = document.createElement('thead');
  const tbody = document.createElement('tbody');
  rows.forEach((cells, i) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      cell.textContent = c === '' && i > 0 ? '·' : c;
      if (c === '' && i > 0) cell.className = 'missing';
      tr.append(cell);
    }
    (i === 0 ? thead : tbody).append(tr);
  });
  v.preview.replaceChildren(thead, tbody);
}

export function previewHeader(v: DataView): string[] {
  return Array.from(v.preview.querySelectorAll('thead th'), (th) => th.textContent ?? '');
}

/** Target choices, task line and notices for a parsed dataset; `target` is its target column. */
export function renderInfo(v: DataView, d: RemoteDataset, target: string): void {
  v.target.replaceChildren();
  for (const c of d.columns) option(v.target, c.name);
  v.target.value = target;
  const classes = d.task === 'classification' ? `, ${d.classes.length} classes` : '';
  v.taskDetected.textContent = `${d.task}${classes} · ${d.numRows} rows, ${d.numFeatures} encoded features`;
  v.warnings.replaceChildren();
  const kinds = d.columns.map((c) => `${c.name}: ${c.kind}${c.missing ? ` (${c.missing} missing)` : ''}`).join(' · ');
  const kindsItem = document.createElement('li');
  kindsItem.className = 'kinds';
  kindsItem.textContent = `Columns: ${kinds}`;
  v.warnings.append(kindsItem);
  for (const w of d.warnings) {
    const li = document.createElement('li');
    li.className = 'warning';
    li.textContent = w;
    v.warnings.append(li);
  }
  v.preview.querySelectorAll('thead th').forEach((th) => th.classList.toggle('target', th.textContent === target));
}

/** After a failed parse: the header's columns as target choices, so a bad choice can be corrected. */
export function renderHeaderOnly(v: DataView, target: string | null): void {
  const header = previewHeader(v);
  v.target.replaceChildren();
  header.forEach((h) => option(v.target, h));
  v.target.value = target ?? header[header.length - 1] ?? '';
  v.taskDetected.textContent = '';
  v.warnings.replaceChildren();
}

export function clearData(v: DataView): void {
  v.preview.replaceChildren();
  v.warnings.replaceChildren();
  v.target.replaceChildren();
  v.taskDetected.textContent = '';
}
