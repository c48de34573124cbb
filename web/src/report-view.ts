// Draws parts of model.report on the results card: the per-class precision/recall table, the
// predicted-vs-actual plot for regression, and the PCA expert map (test rows on the first two
// principal components, coloured by the expert the gate prefers). Text via textContent only.
import { expertColor } from './charts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

export function renderPerClass(table: HTMLTableElement, rows: { class: string; precision: number; recall: number; support: number }[] | null): void {
  table.replaceChildren();
  if (!rows) return;
  const head = el('tr');
  for (const h of ['class', 'precision', 'recall', 'test rows']) head.append(el('th', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    tr.append(el('th', r.class), el('td', f3(r.precision)), el('td', f3(r.recall)), el('td', String(r.support)));
    tbody.append(tr);
  }
  table.append(el('caption', 'precision: how often a prediction of the class is right · recall: how many of the class are found'), thead, tbody);
}

interface Frame { ctx: CanvasRenderingContext2D; sx(v: number): number; sy(v: number): number }

/** Clears the canvas and draws axes with values (min, middle, max) and titles; returns the mapping. */
function axes(canvas: HTMLCanvasElement, xr: [number, number], yr: [number, number], xTitle: string, yTitle: string): Frame | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const w = canvas.width;
  const h = canvas.height;
  const left = 52;
  const bottom = 40;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  const sx = (v: number) => left + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * (w - left - 10);
  const sy = (v: number) => h - bottom - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * (h - bottom - 10);
  ctx.strokeStyle = '#5b6472';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, 10);
  ctx.lineTo(left, h - bottom);
  ctx.lineTo(w - 10, h - bottom);
  ctx.stroke();
  ctx.fillStyle = '#1d232b';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const v of [xr[0], (xr[0] + xr[1]) / 2, xr[1]]) ctx.fillText(Number(v.toPrecision(3)).toString(), sx(v), h - bottom + 14);
  ctx.fillText(xTitle, (left + w - 10) / 2, h - 6);
  ctx.textAlign = 'right';
  for (const v of [yr[0], (yr[0] + yr[1]) / 2, yr[1]]) ctx.fillText(Number(v.toPrecision(3)).toString(), left - 4, sy(v) + 4);
  ctx.save();
  ctx.translate(12, (h - bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(yTitle, 0, 0);
  ctx.restore();
  return { ctx, sx, sy };
}

function range(a: ArrayLike<number>, b?: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of b ? [a, b] : [a]) for (let i = 0; i < arr.length; i++) { lo = Math.min(lo, arr[i]); hi = Math.max(hi, arr[i]); }
  const pad = Math.max(1e-6, (hi - lo) * 0.05);
  return [lo - pad, hi + pad];
}

/** Regression: one dot per test row at (actual, predicted), the diagonal where they are equal. */
export function drawPredictedVsActual(canvas: HTMLCanvasElement, actual: Float32Array, predicted: Float32Array, target: string, mae: number): void {
  const r = range(actual, predicted);
  const f = axes(canvas, r, r, `actual ${target}`, `predicted ${target}`);
  if (!f) return;
  f.ctx.strokeStyle = '#8a5a00';
  f.ctx.setLineDash([4, 4]);
  f.ctx.beginPath();
  f.ctx.moveTo(f.sx(r[0]), f.sy(r[0]));
  f.ctx.lineTo(f.sx(r[1]), f.sy(r[1]));
  f.ctx.stroke();
  f.ctx.setLineDash([]);
  f.ctx.fillStyle = '#2f6fb2';
  f.ctx.beginPath();
  for (let i = 0; i < actual.length; i++) {
    f.ctx.moveTo(f.sx(actual[i]) + 3, f.sy(predicted[i]));
    f.ctx.arc(f.sx(actual[i]), f.sy(predicted[i]), 3, 0, 2 * Math.PI);
  }
  f.ctx.fill();
  canvas.setAttribute('aria-label', `Predicted against actual ${target} for ${actual.length} test rows; dots on the dashed diagonal are exact. ` +
    `Mean absolute error ${f3(mae)}.`);
}

export interface PcaMap { x: Float32Array; y: Float32Array; explained: [number, number]; winner: Uint8Array; experts: number; classOf: Int32Array | null }

/** Test rows on the first two principal components, coloured by the gate's favourite expert; `only`: one class or -1. */
export function drawPcaMap(canvas: HTMLCanvasElement, legend: HTMLElement, m: PcaMap, classes: string[], only: number): void {
  const f = axes(canvas, range(m.x), range(m.y), `PC1 (${Math.round(m.explained[0] * 100)}% of the variance)`, `PC2 (${Math.round(m.explained[1] * 100)}%)`);
  legend.replaceChildren();
  if (!f) return;
  const counts = new Array<number>(m.experts).fill(0);
  let shown = 0;
  for (let e = 0; e < m.experts; e++) {
    f.ctx.fillStyle = expertColor(e);
    f.ctx.beginPath();
    for (let i = 0; i < m.x.length; i++) {
      if (m.winner[i] !== e || (only >= 0 && m.classOf && m.classOf[i] !== only)) continue;
      counts[e]++;
      shown++;
      f.ctx.moveTo(f.sx(m.x[i]) + 4, f.sy(m.y[i]));
      f.ctx.arc(f.sx(m.x[i]), f.sy(m.y[i]), 4, 0, 2 * Math.PI);
    }
    f.ctx.fill();
  }
  for (let e = 0; e < m.experts; e++) {
    const li = el('li', `expert ${e + 1}: ${counts[e]} rows`);
    const sw = el('span');
    sw.className = 'swatch';
    sw.style.background = expertColor(e);
    li.prepend(sw);
    legend.append(li);
  }
  const which = only >= 0 ? ` of class ${classes[only]}` : '';
  const wins = counts.map((c, e) => `expert ${e + 1} ${c}`).join(', ');
  canvas.setAttribute('aria-label', `Expert map: ${shown} test rows${which} on the first two principal components ` +
    `(${Math.round(m.explained[0] * 100)}% and ${Math.round(m.explained[1] * 100)}% of the variance), coloured by the expert the gate prefers: ${wins}.`);
}
