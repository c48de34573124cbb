// The page's pictures: a live uPlot loss chart, the expert-usage bars, the confusion matrix table and
// the 2-D "which expert wins" canvas. Pure rendering from plain data; all text via textContent.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochLogs, ExpertMap, ExpertUsage } from './view-types';

/** Minimum pause between redraws; it grows to 10x the last redraw's cost so drawing stays under ~10% of the main thread. */
const RENDER_MS = 100;

/** Distinct colours for experts (regions and bars). */
export const EXPERT_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** Dark marker colours for classes on the expert map. */
const CLASS_COLORS = ['#111111', '#ffffff', '#7a0177', '#004529', '#08306b', '#67000d'];

export function expertColor(e: number): string {
  return EXPERT_COLORS[e % EXPERT_COLORS.length];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** Live chart of loss (train, validation) and accuracy per epoch. */
export class LossChart {
  private plot: uPlot;
  private withAccuracy = true;
  private data: [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]] = [[], [], [], [], []];
  private frame = 0;
  private timer = 0;
  private lastRender = 0;
  private renderCost = 0;

  constructor(private host: HTMLElement) {
    this.plot = this.create(true);
    window.addEventListener('resize', () => this.plot.setSize({ width: this.width(), height: 240 }));
  }

  private create(withAccuracy: boolean): uPlot {
    const series: uPlot.Series[] = [
      { label: 'epoch' },
      { label: 'train loss', stroke: '#4e79a7', width: 2 },
      { label: 'val loss', stroke: '#f28e2b', width: 2, dash: [6, 4] },
    ];
    const axes: uPlot.Axis[] = [
      { label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000] },
      { label: 'loss' },
    ];
    if (withAccuracy) {
      series.push(
        { label: 'train acc', stroke: '#59a14f', scale: 'acc', width: 1 },
        { label: 'val acc', stroke: '#e15759', scale: 'acc', width: 1, dash: [6, 4] },
      );
      axes.push({ side: 1, scale: 'acc', label: 'accuracy', grid: { show: false } });
    }
    const opts: uPlot.Options = {
      width: this.width(),
      height: 240,
      scales: { x: { time: false }, acc: { range: [0, 1] } },
      axes,
      series,
      legend: { live: false },
    };
    return new uPlot(opts, this.view(withAccuracy), this.host);
  }

  private view(withAccuracy = this.withAccuracy): uPlot.AlignedData {
    return (withAccuracy ? this.data : this.data.slice(0, 3)) as uPlot.AlignedData;
  }

  private width(): number {
    return Math.max(280, Math.min(900, this.host.clientWidth || 600));
  }

  /** Clears the chart; accuracy lines and axis only for classification. */
  reset(withAccuracy: boolean): void {
    this.data = [[], [], [], [], []];
    if (withAccuracy !== this.withAccuracy) {
      this.plot.destroy();
      this.withAccuracy = withAccuracy;
      this.plot = this.create(withAccuracy);
    }
    this.render();
  }

  /** Adds one epoch; redraws later on an animation frame (see RENDER_MS). */
  push(epoch: number, logs: EpochLogs): void {
    this.data[0].push(epoch);
    this.data[1].push(num(logs.loss));
    this.data[2].push(num(logs.val_loss));
    this.data[3].push(num(logs.accuracy));
    this.data[4].push(num(logs.val_accuracy));
    if (this.frame || this.timer) return;
    const wait = Math.max(0, this.lastRender + Math.max(RENDER_MS, 10 * this.renderCost) - performance.now());
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.frame = requestAnimationFrame(() => this.render());
    }, wait);
  }

  flush(): void {
    this.render();
  }

  /** The chart in words (its text alternative). */
  private describe(): string {
    const n = this.data[0].length;
    if (n === 0) return 'Loss per epoch: no training yet.';
    const val = last(this.data[2]) ? `, validation loss ${last(this.data[2])}` : '';
    const acc = this.withAccuracy && last(this.data[3]) ? `, training accuracy ${last(this.data[3])}` : '';
    return `Loss per epoch over ${n} epoch${n === 1 ? '' : 's'}: last training loss ${last(this.data[1])}${val}${acc}.`;
  }

  private render(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) window.clearTimeout(this.timer);
    this.frame = this.timer = 0;
    const t0 = performance.now();
    this.plot.setData(this.view());
    this.lastRender = performance.now();
    this.renderCost = this.lastRender - t0;
    this.host.dataset.points = String(this.data[0].length);
    this.host.setAttribute('aria-label', this.describe());
  }
}

function last(v: (number | null)[]): string {
  const x = v[v.length - 1];
  return typeof x === 'number' ? x.toFixed(4) : '';
}

function num(v: number | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Bars of average gate weight per expert: one row overall, then one per class. */
export function renderUsage(host: HTMLElement, usage: ExpertUsage | null, classes: string[]): void {
  host.replaceChildren();
  if (!usage || usage.overall.length === 0) return;
  const rows: [string, number[]][] = [['all test rows', usage.overall]];
  usage.perClass.forEach((r, c) => rows.push([`class ${classes[c] ?? c}`, r]));
  const legend = el('div', undefined, 'usage-legend');
  usage.overall.forEach((_, e) => {
    const item = el('span', `expert ${e + 1}`, 'legend-item');
    const sw = el('span', undefined, 'swatch');
    sw.style.background = expertColor(e);
    item.prepend(sw);
    legend.append(item);
  });
  host.append(legend);
  for (const [label, shares] of rows) {
    const line = el('div', undefined, 'usage-row');
    line.append(el('span', label, 'usage-label'));
    const bar = el('div', undefined, 'usage-bar');
    shares.forEach((s, e) => {
      const seg = el('span', undefined, 'usage-seg');
      seg.style.width = `${(Math.max(0, s) * 100).toFixed(2)}%`;
      seg.style.background = expertColor(e);
      seg.title = `expert ${e + 1}: ${(s * 100).toFixed(1)}%`;
      bar.append(seg);
    });
    line.append(bar);
    line.append(el('span', shares.map((s) => `${Math.round(s * 100)}%`).join(' · '), 'usage-numbers'));
    host.append(line);
  }
}

/** Rows = true class, columns = predicted class. */
export function renderConfusion(table: HTMLTableElement, matrix: number[][] | null, classes: string[]): void {
  table.replaceChildren();
  if (!matrix) return;
  const caption = el('caption', 'rows: true class · columns: predicted class');
  const head = el('tr');
  head.append(el('th', 'true \\ predicted'));
  classes.forEach((c) => head.append(el('th', c)));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  matrix.forEach((row, i) => {
    const tr = el('tr');
    tr.append(el('th', classes[i] ?? String(i)));
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((n, j) => {
      const td = el('td', String(n), i === j ? 'diag' : n > 0 ? 'off' : '');
      td.style.setProperty('--share', (n / total).toFixed(3));
      tr.append(td);
    });
    tbody.append(tr);
  });
  table.append(caption, thead, tbody);
}

/** Mixes a #rrggbb colour with white (keep = share of the colour); returns [r, g, b]. */
function lighten(hex: string, keep: number): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  const mix = (x: number) => Math.round(255 - (255 - x) * keep);
  return [mix(v >> 16), mix((v >> 8) & 255), mix(v & 255)];
}

/**
 * Paints the winning expert per grid cell and the test rows on top. The regions are written as one
 * ImageData (one pass over the pixels) rather than one fillRect per cell: G*G fillRect calls with a
 * parsed colour string each took ~50 ms of main thread at G = 64, a long task at the end of training.
 */
export function drawExpertMap(canvas: HTMLCanvasElement, legend: HTMLElement, map: ExpertMap | null, classes: string[]): void {
  const ctx = canvas.getContext('2d');
  legend.replaceChildren();
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  canvas.setAttribute('aria-label', map ? describeMap(map, classes) : 'Expert map: no model yet.');
  if (!map) return;
  const w = canvas.width;
  const h = canvas.height;
  const g = map.grid;
  // Regions: pixel (px, py) shows cell (row from the bottom, column) of the winner grid.
  const palette = Array.from({ length: Math.max(1, map.experts) }, (_, e) => lighten(expertColor(e), 0.45));
  const img = ctx.createImageData(w, h);
  const px = img.data; // (H, W, 4) RGBA
  const colOf = new Int32Array(w); // (W) grid column of each pixel column
  for (let x = 0; x < w; x++) colOf[x] = Math.min(g - 1, Math.floor((x * g) / w));
  for (let y = 0; y < h; y++) {
    const r = Math.min(g - 1, Math.floor(((h - 1 - y) * g) / h));
    const cells = r * g;
    let o = y * w * 4;
    for (let x = 0; x < w; x++, o += 4) {
      const rgb = palette[map.winner[cells + colOf[x]] % palette.length];
      px[o] = rgb[0];
      px[o + 1] = rgb[1];
      px[o + 2] = rgb[2];
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  // Test rows: one path per class colour (fill, then outline) instead of one path per point.
  const sx = (v: number) => ((v - map.xRange[0]) / (map.xRange[1] - map.xRange[0])) * w;
  const sy = (v: number) => h - ((v - map.yRange[0]) / (map.yRange[1] - map.yRange[0])) * h;
  const byColour = new Map<number, number[]>();
  for (let i = 0; i < map.pointClass.length; i++) {
    const k = map.pointClass[i] >= 0 ? map.pointClass[i] % CLASS_COLORS.length : -1;
    let list = byColour.get(k);
    if (!list) byColour.set(k, (list = []));
    list.push(i);
  }
  ctx.lineWidth = 1;
  for (const [k, list] of byColour) {
    const fill = k >= 0 ? CLASS_COLORS[k] : '#222';
    ctx.beginPath();
    for (const i of list) {
      const x = sx(map.points[2 * i]);
      const y = sy(map.points[2 * i + 1]);
      ctx.moveTo(x + 3.2, y);
      ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
    }
    ctx.fillStyle = fill;
    ctx.strokeStyle = fill === '#ffffff' ? '#111' : '#fff';
    ctx.fill();
    ctx.stroke();
  }
  const used = new Set(map.winner);
  for (let e = 0; e < map.experts; e++) {
    const li = el('li', `expert ${e + 1}${used.has(e) ? '' : ' (wins nowhere here)'}`);
    const sw = el('span', undefined, 'swatch');
    sw.style.background = expertColor(e);
    li.prepend(sw);
    legend.append(li);
  }
  classes.forEach((c, k) => {
    const li = el('li', `● ${c}`, 'class-item');
    li.style.color = CLASS_COLORS[k % CLASS_COLORS.length] === '#ffffff' ? '#555555' : CLASS_COLORS[k % CLASS_COLORS.length];
    legend.append(li);
  });
}

/** The expert map in words (the canvas's text alternative): which expert wins how much of the area. */
function describeMap(map: ExpertMap, classes: string[]): string {
  const counts = new Array<number>(map.experts).fill(0);
  for (const w of map.winner) counts[w]++;
  const shares = counts.map((c, e) => [e, c / map.winner.length] as const).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  const wins = shares.map(([e, s]) => `expert ${e + 1} ${Math.round(s * 100)}%`).join(', ');
  const dots = classes.length ? `; ${map.pointClass.length} test rows as dots coloured by class (${classes.join(', ')})` : `; ${map.pointClass.length} test rows as dots`;
  return `Expert map over ${map.xLabel} (horizontal) and ${map.yLabel} (vertical): share of the area each expert wins: ${wins}${dots}.`;
}
