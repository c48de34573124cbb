// The results card: what a finished training produced and what it belongs to ("file → target",
// options). Hidden as soon as anything that produced it changes; text only, never HTML.
import { drawExpertMap, renderConfusion, renderUsage } from './charts';
import { drawPcaMap, drawPredictedVsActual, renderPerClass, type PcaMap } from './report-view';
import { option } from './data-view';
import type { Verdict } from './verdict';
import type { ExpertMap, ExpertUsage, Task } from './view-types';

export interface Outcome {
  title: string;
  task: Task;
  classes: string[];
  featureNames: string[];
  metrics: { loss: number; accuracy?: number; rmse?: number; r2?: number };
  confusion: number[][] | null;
  usage: ExpertUsage;
  map: ExpertMap | null;
  mapPair: [number, number] | null;
  note: string;
  balancedAccuracy?: number;
  perClass: { class: string; precision: number; recall: number; support: number }[] | null;
  /** Regression: (rows) actual and predicted test values, and the mean absolute error. */
  pva: { actual: Float32Array; predicted: Float32Array; target: string; mae: number } | null;
  pca: PcaMap | null;
  verdict: Verdict;
  /** The baseline's score (majority-class accuracy, or the mean predictor's RMSE) and what it is. */
  baseline: { value: number; label: string } | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function fmt(v: number | undefined, digits = 4): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '';
}

export class Results {
  readonly card = $('results-card');
  readonly title = $('results-for');
  readonly mapX = $<HTMLSelectElement>('map-x');
  readonly mapY = $<HTMLSelectElement>('map-y');
  readonly map = $<HTMLCanvasElement>('expert-map');
  readonly legend = $('map-legend');
  readonly view = $<HTMLSelectElement>('map-view');
  readonly classFilter = $<HTMLSelectElement>('map-class');
  classes: string[] = [];
  pca: PcaMap | null = null;
  featureMap: ExpertMap | null = null;

  /** Empties and hides the card (nothing on screen belongs to the current setup). */
  clear(): void {
    this.card.hidden = true;
    this.title.textContent = '';
    this.pca = null;
    this.featureMap = null;
    renderPerClass($<HTMLTableElement>('per-class'), null);
    this.classFilter.replaceChildren();
    for (const id of ['metric-balanced-accuracy', 'metric-accuracy', 'metric-loss', 'metric-rmse', 'metric-r2', 'result-note', 'baseline', 'verdict']) $(id).textContent = '';
    $('retrain-early-stopping').hidden = true;
    $('verdict-box').removeAttribute('data-kind');
    renderConfusion($<HTMLTableElement>('confusion-matrix'), null, []);
    renderUsage($('expert-usage'), null, []);
    drawExpertMap(this.map, this.legend, null, []);
    this.mapX.replaceChildren();
    this.mapY.replaceChildren();
  }

  show(o: Outcome): void {
    const isClass = o.task === 'classification';
    this.classes = o.classes;
    this.card.hidden = false;
    this.title.textContent = o.title;
    $('metric-accuracy').textContent = isClass ? fmt(o.metrics.accuracy) : '';
    $('metric-loss').textContent = fmt(o.metrics.loss);
    $('metric-rmse').textContent = isClass ? '' : fmt(o.metrics.rmse);
    $('metric-r2').textContent = isClass ? '' : fmt(o.metrics.r2);
    $('row-accuracy').hidden = !isClass;
    $('row-rmse').hidden = isClass;
    $('row-r2').hidden = isClass;
    $('confusion-block').hidden = !isClass;
    $('per-class-block').hidden = !isClass;
    $('row-balanced').hidden = !isClass;
    $('metric-balanced-accuracy').textContent = isClass ? fmt(o.balancedAccuracy) : '';
    renderPerClass($<HTMLTableElement>('per-class'), o.perClass);
    $('pva-block').hidden = !o.pva;
    if (o.pva) drawPredictedVsActual($<HTMLCanvasElement>('predicted-vs-actual'), o.pva.actual, o.pva.predicted, o.pva.target, o.pva.mae);
    $('result-note').textContent = o.note;
    $('row-baseline').hidden = !o.baseline;
    $('baseline').textContent = o.baseline ? fmt(o.baseline.value) : '';
    $('baseline-label').textContent = o.baseline?.label ?? 'Baseline';
    $('verdict').textContent = o.verdict.text;
    $('verdict-box').dataset.kind = o.verdict.kind;
    $('retrain-early-stopping').hidden = o.verdict.roseFrom === undefined;
    renderConfusion($<HTMLTableElement>('confusion-matrix'), o.confusion, o.classes);
    renderUsage($('expert-usage'), o.usage, o.classes);
    this.mapX.replaceChildren();
    this.mapY.replaceChildren();
    o.featureNames.forEach((f, i) => {
      option(this.mapX, String(i), f);
      option(this.mapY, String(i), f);
    });
    if (o.mapPair) {
      this.mapX.value = String(o.mapPair[0]);
      this.mapY.value = String(o.mapPair[1]);
    }
    this.pca = o.pca;
    this.featureMap = o.map;
    this.classFilter.replaceChildren();
    option(this.classFilter, '-1', 'all classes');
    o.classes.forEach((c, k) => option(this.classFilter, String(k), c));
    $('map-class-label').hidden = !isClass;
    this.view.value = o.pca ? 'pca' : 'features';
    this.redraw();
  }

  /** Draws the chosen view: the PCA projection (default) or the two-feature gate regions. */
  redraw(): void {
    const pca = this.view.value === 'pca' && this.pca;
    $('map-features').hidden = !!pca;
    $('map-class-label').hidden = !pca || this.classes.length === 0;
    if (pca) drawPcaMap(this.map, this.legend, pca, this.classes, Number(this.classFilter.value || -1));
    else drawExpertMap(this.map, this.legend, this.featureMap, this.classes);
  }

  drawMap(map: ExpertMap | null): void {
    this.featureMap = map;
    this.redraw();
  }
}
