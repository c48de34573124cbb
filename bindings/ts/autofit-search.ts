// autoFit's search: successive halving over seeded settings (each bracket screens its settings on one
// fold with a short epoch cap, then fully cross-validates the best third and each family's best), plus the baselines scored
// the same way. Decisions depend on scores only, so a trial budget gives the same result on any
// number of workers. Not the public entry (autofit.ts) nor the workers (autofit-pool.ts).
import type { AutoFitMetric, TrialJob, TrialResult } from './autofit-protocol.js';
import type { AutoFitBaseline, TrialReport } from './autofit-options.js';
import { compareScores, mean, pessimistic, spread } from './autofit-metrics.js';
import { constantBaseline } from './autofit-folds.js';
import { baselineSettings, defaultSetting, sampleSetting, type Setting } from './autofit-space.js';
import type { TrialPool } from './autofit-pool.js';
import type { Task } from './options.js';

export interface SearchPlan {
  metric: AutoFitMetric;
  task: Task;
  labels: Int32Array | Float32Array;
  fold: Int32Array;        // (rows,) fold of each row
  evalFolds: number[];     // the folds validated on in a full evaluation ([0] for a holdout)
  outputDim: number;
  numFeatures: number;
  trainRows: number;       // training rows of one fold's fit
  trials: number | null;   // null: until stop()
  timed: boolean;          // a time budget: several brackets, two at a time to keep workers busy
  seed: number;
  workers: number;
  onTrial?: (t: TrialReport) => void;
}

// Steps of one fit (rung 0: screening, rung 1: full), turned into an epoch cap for the batch size.
const STEPS = [400, 2500];
const EPOCHS = [[4, 60], [10, 300]];

function caps(trainRows: number, batchSize: number, rung: number): { maxEpochs: number; patience: number } {
  const batches = Math.max(1, Math.ceil(trainRows / batchSize));
  const [lo, hi] = EPOCHS[rung];
  const maxEpochs = Math.min(hi, Math.max(lo, Math.round(STEPS[rung] / batches)));
  return { maxEpochs, patience: Math.max(rung === 0 ? 4 : 6, Math.round(maxEpochs / (rung === 0 ? 5 : 8))) };
}

const FAMILIES = ['linear', 'mlp', 'mixture'] as const;

/** The kind of model a setting is: one linear expert, one MLP expert, or a mixture. */
export function family(o: TrialReport['options']): (typeof FAMILIES)[number] {
  return (o.experts ?? 1) > 1 ? 'mixture' : (o.expertHidden ?? []).length ? 'mlp' : 'linear';
}

/** Weights a row passes through (every expert and the gate; no biases): the multiply-adds of one row's forward pass. */
export function weights(s: Setting, inputs: number, outputs: number): number {
  const chain = (hidden: readonly number[], out: number) =>
    [inputs, ...hidden].reduce((sum, w, i, all) => sum + w * (i + 1 < all.length ? all[i + 1] : out), 0);
  const o = s.options;
  const experts = o.experts ?? 1;
  return experts * chain(o.expertHidden ?? [], outputs) + (experts > 1 ? chain(o.gateHidden ?? [], experts) : 0);
}

/**
 * Orders reports best first: failed ones last, fully evaluated before screened, then by the pessimistic
 * score (mean minus one standard error), then by trial number.
 */
export const rankReports = (metric: AutoFitMetric) => (a: TrialReport, b: TrialReport): number =>
  Number(Number.isNaN(a.score)) - Number(Number.isNaN(b.score)) || b.rung - a.rung ||
  compareScores(metric, a.pessimistic, b.pessimistic) || a.trial - b.trial;

/**
 * The leaderboard: reports by rankReports, except that the winner (first) is chosen by the
 * one-standard-error rule: the fully evaluated trial with the fewest weights among those whose mean is
 * at least as good as the best pessimistic score. On a small, noisy set a linear model that is as good
 * as a big mixture within the folds' noise is the one that holds up on new rows.
 */
export function leaderboard(reports: Iterable<TrialReport>, metric: AutoFitMetric): TrialReport[] {
  const sorted = [...reports].sort(rankReports(metric));
  const full = sorted.filter((r) => r.rung === 1 && !r.error && !Number.isNaN(r.score));
  if (full.length < 2) return sorted;
  const bar = full[0].pessimistic;
  const winner = full.filter((r) => compareScores(metric, r.score, bar) <= 0)
    .reduce((w, r) => (r.weights < w.weights ? r : w));
  return [winner, ...sorted.filter((r) => r !== winner)];
}

export class Search {
  readonly reports = new Map<number, TrialReport>();
  readonly baselines: AutoFitBaseline[] = [];
  /** The saved model (first fold) of the best report so far: what a cancelled search returns. */
  best: { trial: number; bytes: Uint8Array } | null = null;
  #stopped = false;
  #next = 0;
  #failure: unknown = null;

  constructor(private readonly pool: TrialPool, private readonly plan: SearchPlan) {}

  get stopped(): boolean { return this.#stopped; }

  /** Stops launching work; evaluations in flight are abandoned (the caller terminates the pool). */
  stop(): void { this.#stopped = true; }

  /** Runs until the trial budget is spent or stop(); rejects if a worker died or onTrial threw. */
  async run(): Promise<void> {
    const baselines = this.#baselines();
    const { trials, timed, workers } = this.plan;
    const size = timed ? 3 * Math.max(2, workers) : trials!;
    const loop = async () => {
      while (!this.#stopped && !this.#failure && (trials === null || this.#next < trials)) {
        const n = trials === null ? size : Math.min(size, trials - this.#next);
        const ids = Array.from({ length: n }, () => this.#next++);
        await this.#bracket(ids);
      }
    };
    await Promise.all(timed && workers > 1 ? [loop(), loop()] : [loop()]);
    await baselines;
    if (this.#failure) throw this.#failure;
  }

  #setting(id: number): Setting {
    return id === 0 ? defaultSetting(this.plan.seed) : sampleSetting(this.plan.seed, id, this.plan.trainRows);
  }

  async #bracket(ids: number[]): Promise<void> {
    let promote = ids;
    if (ids.length >= 3) {
      await Promise.all(ids.map((id) => this.#evaluate(id, 0)));
      if (this.#stopped) return;
      const ranked = ids.map((id) => this.reports.get(id)).filter((r): r is TrialReport => !!r && !r.error)
        .sort(rankReports(this.plan.metric));
      // The best third, plus the best of each family (linear, one-expert MLP, mixture) so that the
      // one-standard-error rule can pick a simple model that holds its own over every fold.
      const top = ranked.slice(0, Math.ceil(ids.length / 3));
      for (const f of FAMILIES) {
        const lead = ranked.find((r) => family(r.options) === f);
        if (lead && !top.includes(lead)) top.push(lead);
      }
      promote = top.map((r) => r.trial);
    }
    await Promise.all(promote.map((id) => this.#evaluate(id, 1)));
  }

  #job(s: Setting, folds: number[], rung: number, wantModel: boolean): TrialJob {
    const c = caps(this.plan.trainRows, s.batchSize, rung);
    return { options: s.options, batchSize: s.batchSize, metric: this.plan.metric, folds, wantModel, ...c,
      cost: c.maxEpochs * this.plan.trainRows * weights(s, this.plan.numFeatures, this.plan.outputDim) };
  }

  // Runs one job; null when the search was stopped meanwhile. Records a worker crash as the failure.
  async #run(job: TrialJob): Promise<TrialResult | { error: string } | null> {
    try {
      return await this.pool.run(job);
    } catch (e) {
      if (this.#stopped) return null;
      if (this.pool.dead) { this.#failure ??= e; this.#stopped = true; return null; }
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  // One job per fold, so the folds of one trial run on several workers at once; null when stopped.
  async #runFolds(s: Setting, folds: number[], rung: number, wantModel: boolean): Promise<TrialResult | { error: string } | null> {
    const parts = await Promise.all(folds.map((f, i) => this.#run(this.#job(s, [f], rung, wantModel && i === 0))));
    if (parts.some((p) => p === null)) return null;
    const failed = parts.find((p) => p && 'error' in p);
    if (failed) return failed;
    const done = parts as TrialResult[];
    return { foldScores: done.flatMap((p) => p.foldScores), foldEpochs: done.flatMap((p) => p.foldEpochs),
      seconds: done.reduce((t, p) => t + p.seconds, 0), ...(done[0].model ? { model: done[0].model } : {}) };
  }

  async #evaluate(id: number, rung: number): Promise<void> {
    const s = this.#setting(id);
    const folds = rung === 0 ? [this.plan.evalFolds[0]] : this.plan.evalFolds;
    const r = await this.#runFolds(s, folds, rung, true);
    if (!r) return;
    const before = this.reports.get(id)?.seconds ?? 0;
    const size = weights(s, this.plan.numFeatures, this.plan.outputDim);
    const report: TrialReport = 'error' in r
      ? { trial: id, options: s.options, batchSize: s.batchSize, weights: size, score: NaN, spread: 0, pessimistic: NaN, foldScores: [], epochs: 0, seconds: before, rung, error: r.error }
      : { trial: id, options: s.options, batchSize: s.batchSize, weights: size, score: mean(r.foldScores), spread: spread(r.foldScores),
          pessimistic: pessimistic(this.plan.metric, r.foldScores), foldScores: r.foldScores, epochs: Math.max(1, Math.round(mean(r.foldEpochs))), seconds: before + r.seconds, rung };
    if (!('error' in r) && r.foldScores.some(Number.isNaN)) report.error = 'the fit diverged (non-finite predictions)';
    this.reports.set(id, report);
    const leader = this.best ? this.reports.get(this.best.trial) : undefined;
    if (!('error' in r) && r.model && !report.error && (!leader || rankReports(this.plan.metric)(report, leader) <= 0)) {
      this.best = { trial: id, bytes: r.model };
    }
    try {
      this.plan.onTrial?.(structuredClone(report));
    } catch (e) {
      this.#failure ??= e;
      this.#stopped = true;
    }
  }

  async #baselines(): Promise<void> {
    const { metric, task, labels, fold, evalFolds, outputDim, seed } = this.plan;
    const constant = constantBaseline(metric, task, labels, fold, evalFolds, outputDim);
    this.baselines.push({ name: task === 'classification' ? 'majority' : 'mean', score: mean(constant), spread: spread(constant), foldScores: constant, seconds: 0 });
    const settings = baselineSettings(seed);
    const entries: AutoFitBaseline[] = (['linear', 'mlp'] as const).map((name) =>
      ({ name, score: NaN, spread: 0, foldScores: [], seconds: 0, options: settings[name].options }));
    this.baselines.push(...entries);
    await Promise.all(entries.map(async (b) => {
      const r = await this.#runFolds(settings[b.name as 'linear' | 'mlp'], evalFolds, 1, false);
      if (!r || 'error' in r) return;
      Object.assign(b, { score: mean(r.foldScores), spread: spread(r.foldScores), foldScores: r.foldScores, seconds: r.seconds,
        epochs: Math.max(1, Math.round(mean(r.foldEpochs))) });
    }));
  }
}
