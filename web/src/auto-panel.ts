// The demo page's AutoFit card: the "Auto" button searches model settings for the current CSV and
// target with moe-wasm's autoFit (one Web Worker per core), shows a live leaderboard (one <tr> per
// trial), the baselines, Cancel, and a download of the winner. Builds its own DOM; no page state.
import { init, autoFit, Dataset, type AutoFitResult, type TrialOptions, type TrialReport } from 'moe-wasm';

/** What the panel needs from the page when Auto is pressed: the CSV bytes and the chosen target/task. */
export interface AutoSource { name: string; bytes: Uint8Array; target: string; task: string }

const BUDGETS: Array<{ label: string; value: string }> = [
  { label: '30 seconds', value: 'time:30' },
  { label: '10 seconds', value: 'time:10' },
  { label: '60 seconds', value: 'time:60' },
  { label: '8 trials (same result every run)', value: 'trials:8' },
  { label: '24 trials (same result every run)', value: 'trials:24' },
];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function setting(o: TrialOptions, batchSize: number): string {
  const gating = typeof o.gating === 'object' && o.gating.type === 'topk' ? `top-${o.gating.k} gate` : 'dense gate';
  const opt = typeof o.optimizer === 'object' ? o.optimizer : { type: o.optimizer ?? 'adam' };
  const e = o.experts ?? 5;
  return `${e} expert${e === 1 ? '' : 's'} [${(o.expertHidden ?? []).join(', ')}], gate [${(o.gateHidden ?? []).join(', ')}], ` +
    `${gating}, ${o.activation ?? 'relu'}, ${opt.type} lr ${opt.learningRate ?? ''}${opt.weightDecay ? ` wd ${opt.weightDecay}` : ''}, batch ${batchSize}`;
}

const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '–');

/** Adds the AutoFit card to `host` (after its last child); `source` is read when Auto is pressed. */
export function mountAutoPanel(host: HTMLElement, source: () => AutoSource | null): void {
  const card = el('section', { class: 'card', id: 'auto-card', 'aria-labelledby': 'auto-title' });
  card.append(el('h2', { id: 'auto-title' }, 'AutoFit: let the page pick the settings'));
  card.append(el('p', { class: 'hint' }, 'Tries numbers of experts, layer widths, gating, learning rates and batch sizes by ' +
    'cross-validation inside the training rows, one trial per CPU core, and compares the best with simple baselines.'));
  const row = el('div', { class: 'row' });
  const budgetLabel = el('label', {}, 'Budget ');
  const budget = el('select', { 'data-testid': 'auto-budget', id: 'auto-budget' });
  for (const b of BUDGETS) budget.append(el('option', { value: b.value }, b.label));
  budgetLabel.append(budget);
  const run = el('button', { type: 'button', class: 'primary', 'data-testid': 'auto-button', id: 'auto-button' }, 'Auto');
  const cancel = el('button', { type: 'button', 'data-testid': 'auto-cancel', id: 'auto-cancel' }, 'Cancel');
  const download = el('button', { type: 'button', 'data-testid': 'auto-download', id: 'auto-download' }, 'Download the best model');
  cancel.disabled = true;
  download.disabled = true;
  row.append(budgetLabel, run, cancel, download);
  const status = el('p', { class: 'status', 'data-testid': 'auto-status', id: 'auto-status', role: 'status', 'aria-live': 'polite' });
  const wrap = el('div', { class: 'table-wrap' });
  const board = el('table', { 'data-testid': 'leaderboard', id: 'leaderboard' });
  const caption = el('caption', {}, 'Trials, best first: rank, trial, score ± spread over the validation folds, epochs, seconds, settings.');
  const body = el('tbody');
  board.append(caption, body);
  wrap.append(board);
  const baselines = el('ul', { class: 'hint', 'data-testid': 'auto-baselines', id: 'auto-baselines' });
  card.append(row, status, wrap, baselines);
  host.append(card);

  let controller: AbortController | null = null;
  let best: AutoFitResult | null = null;
  const trials = new Map<number, TrialReport>();
  let metric = '';

  let final: TrialReport[] | null = null;
  const render = () => {
    // While searching: fully cross-validated trials first (rung 1), then by pessimistic score; at the
    // end the result's leaderboard order (its winner first).
    const lower = metric === 'rmse' || metric === 'loss';
    const list = final ?? [...trials.values()].sort((a, b) => Number(Number.isNaN(a.score)) - Number(Number.isNaN(b.score)) ||
      b.rung - a.rung || (lower ? a.pessimistic - b.pessimistic : b.pessimistic - a.pessimistic) || a.trial - b.trial);
    body.replaceChildren(...list.map((t, i) => {
      const tr = el('tr', { 'data-trial': String(t.trial) });
      tr.append(el('td', {}, String(i + 1)), el('th', { scope: 'row' }, `trial ${t.trial}`),
        el('td', {}, t.error ? `failed: ${t.error}` : `${metric} ${num(t.score)} ± ${num(t.spread)}${t.rung === 0 ? ' (screened on one fold)' : ''}`),
        el('td', {}, `${t.epochs} epochs`), el('td', {}, `${t.seconds.toFixed(1)} s`), el('td', {}, setting(t.options, t.batchSize)));
      return tr;
    }));
  };

  run.addEventListener('click', () => { void start(); });
  cancel.addEventListener('click', () => { controller?.abort(); status.textContent = 'Cancelling…'; });
  download.addEventListener('click', () => {
    if (!best) return;
    const url = URL.createObjectURL(new Blob([best.model.save() as BlobPart], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: 'autofit.moe' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });

  async function start(): Promise<void> {
    const src = source();
    if (!src) { status.textContent = 'Choose a sample or a CSV first.'; return; }
    run.disabled = true; cancel.disabled = false; download.disabled = true;
    best?.model.dispose();
    best = null;
    trials.clear();
    final = null;
    body.replaceChildren();
    baselines.replaceChildren();
    controller = new AbortController();
    const [kind, value] = budget.value.split(':');
    try {
      status.textContent = 'Reading the data…';
      await init();
      const task = src.task === 'classification' || src.task === 'regression' ? src.task : 'auto';
      const data = Dataset.fromCSV(src.bytes, { target: src.target, task });
      metric = data.task === 'classification' ? 'accuracy' : 'r2';
      status.textContent = `Searching on ${src.name} → ${src.target} (${data.numRows} rows)…`;
      const result = await autoFit(data, {
        ...(kind === 'trials' ? { trials: Number(value) } : { timeBudget: Number(value) }),
        workers: 'auto', seed: 1, signal: controller.signal,
        onTrial: (t) => { trials.set(t.trial, t); render(); status.textContent = `${trials.size} trials so far…`; },
      });
      best = result;
      metric = result.metric;
      final = result.leaderboard;
      render();
      baselines.replaceChildren(...result.baselines.map((b) =>
        el('li', { 'data-baseline': b.name }, `${b.name}: ${result.metric} ${num(b.score)} ± ${num(b.spread)}`)));
      const top = result.leaderboard[0];
      status.textContent = `${result.cancelled ? 'Cancelled' : 'Finished'}: best trial ${top.trial}, ${result.metric} ` +
        `${num(top.score)} ± ${num(top.spread)} over ${result.folds === 1 ? 'a holdout' : `${result.folds} folds`}` +
        (result.cancelled ? ' (model from its first fold, not retrained).' : `; retrained on all ${data.numRows} rows.`);
      download.disabled = false;
    } catch (e) {
      const err = e as Error;
      status.textContent = err.name === 'AbortError' ? 'Cancelled before any trial finished.' : `AutoFit failed: ${err.message}`;
    } finally {
      controller = null;
      run.disabled = false; cancel.disabled = true;
    }
  }
}
