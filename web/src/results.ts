// The results card: what a finished training produced and what it belongs to ("file → target",
// options). Hidden as soon as anything that produced it changes; text only, never HTML.
import { drawExpertMap, renderConfusion, renderUsage } from './charts';
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
  classes: string[] = [];

  /** Empties and hides the card (nothing on screen belongs to the current setup). */
  clear(): void {
    this.card.hidden = true;
    this.title.textContent = '';
    for (const id of ['metric-accuracy', 'metric-loss', 'metric-rmse', 'metric-r2', 'result-note', 'baseline', 'verdict']) $(id).textContent = '';
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
    this.drawMap(o.map);
  }

  drawMap(map: ExpertMap | null): void {
    drawExpertMap(this.map, this.legend, map, this.classes);
  }
}
