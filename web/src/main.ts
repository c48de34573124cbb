// The demo page's controller: wires the form to moe-wasm/worker (engine.ts) and the views (data-view,
// results, charts). Every parse, fit, prediction and gate runs in the package's worker; the page only
// decides what to show. It never puts data into innerHTML.
import type { RemoteDataset, Trainer } from 'moe-wasm/worker';
import { expertUsage, featureMap, tellingPair, winners } from './analysis';
import { LossChart } from './charts';
import { sizeReason } from './file-limit';
import { TargetCheck } from './target-check';
import { clearData, renderHeaderOnly, renderInfo, renderPreview, type DataView } from './data-view';
import { Engine } from './engine';
import { mountAutoPanel } from './auto-panel';
import { readOptions } from './options';
import { registerServiceWorker } from './register-sw';
import { Settings } from './settings';
import { Results, fmt } from './results';
import { DEFAULT_SAMPLE, SAMPLES } from './samples';
import { TryRow, rawValues, type RunRow } from './try-row';
import { verdict } from './verdict';
import { onnxSnippet } from './onnx-snippet';
import type { EpochLogs, Task } from './view-types';

type State = 'loading' | 'ready' | 'training' | 'done' | 'cancelled' | 'error';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  error: $('error-region'),
  sample: $<HTMLSelectElement>('sample-select'),
  csvInput: $<HTMLInputElement>('csv-input'),
  source: $('data-source'),
  task: $<HTMLSelectElement>('task-select'),
  modelCard: $('model-card'),
  train: $<HTMLButtonElement>('train-button'),
  cancel: $<HTMLButtonElement>('cancel-button'),
  progress: $<HTMLProgressElement>('epoch-progress'),
  status: $('status'),
  downloadModel: $<HTMLButtonElement>('download-model'),
  downloadOnnx: $<HTMLButtonElement>('download-onnx'),
  loadModel: $<HTMLInputElement>('load-model-input'),
  downloadPredictions: $<HTMLButtonElement>('download-predictions'),
  modelInfo: $('model-info'),
};
const view: DataView = {
  preview: $<HTMLTableElement>('preview'),
  target: $<HTMLSelectElement>('target-select'),
  taskDetected: $('task-detected'),
  warnings: $('warnings'),
};

const engine = new Engine($('engine'));
let settings: Settings;
const chart = new LossChart($('loss-chart'));
const results = new Results();
const targetCheck = new TargetCheck($('target-confirm'), $('dropped-columns'), () => refreshState());
const tryRow = new TryRow($('try-card'), $<HTMLFormElement>('try-row'), $('try-prediction'), $('try-gate'));
let file: { name: string; bytes: Uint8Array } | null = null;
let data: RemoteDataset | null = null;
let trainer: Trainer | null = null;
/** What the current trainer was trained on (for the expert map and download names); null for a loaded model. */
let fitted: { tr: RemoteDataset; te: RemoteDataset; trainX: Float32Array; testX: Float32Array; target: string; file: string; bytes: Uint8Array } | null = null;
let loadedFrom = '';
let training: { job: Promise<unknown>; abort: AbortController } | null = null;
let cancelling = false;
let loadToken = 0;
/** Bumped by every change of file, target, task or options: a result of an older setup is not shown. */
let setup = 0;

/** The onnxruntime-web snippet for the current model (hidden without one). */
function showSnippet(): void {
  const box = $('onnx-details');
  box.hidden = !trainer?.schema;
  $('onnx-snippet').textContent = trainer?.schema ? onnxSnippet(trainer.schema, `${modelName()}.onnx`) : '';
}

function setState(s: State, text: string): void {
  document.body.dataset.state = s;
  ui.status.textContent = text;
  const busy = s === 'training';
  ui.train.disabled = busy || !data || !targetCheck.ok;
  ui.cancel.disabled = !busy;
  ui.downloadModel.disabled = busy || !trainer;
  ui.downloadOnnx.disabled = busy || !trainer;
  ui.downloadPredictions.disabled = busy || !trainer || !file;
  ui.loadModel.disabled = busy;
  showSnippet();
}

const refreshState = () => setState(document.body.dataset.state as State, ui.status.textContent ?? '');

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
  ui.error.scrollIntoView({ block: 'nearest' });
}

function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message || err.name : String(err));

/** Something that produced the results changed: they no longer describe what is on screen. */
function setupChanged(): void {
  setup++;
  results.clear();
}

function targetOf(d: RemoteDataset): string {
  return d.schema?.target ?? d.columns.find((c) => c.kind === 'target')?.name ?? '';
}

/** Parses the current bytes in the worker with the chosen target/task and shows what it found. */
async function inspect(target: string | null): Promise<void> {
  if (!file) return;
  const token = ++loadToken;
  const old = data;
  data = null;
  targetCheck.clear();
  void old?.dispose();
  setState('loading', `Reading ${file.name}…`);
  try {
    const w = await engine.session;
    const task = ui.task.value as 'auto' | Task;
    const ds = await w.fromCSV(file.bytes, { task, keepRaw: true, ...(target === null ? {} : { target }) });
    if (token !== loadToken) return void ds.dispose();
    data = ds;
    renderInfo(view, ds, targetOf(ds));
    clearError();
    targetCheck.show(ds);
    setState('ready', `Ready: ${file.name}, ${ds.numRows} rows, target "${targetOf(ds)}" (${ds.task}). Press Train.`);
  } catch (err) {
    if (token !== loadToken) return;
    renderHeaderOnly(view, target);
    showError(`Cannot use "${file.name}": ${messageOf(err)}`);
    setState('error', 'Choose another target column, another file or a sample.');
  }
}

function rejectData(reason: string): void {
  loadToken++;
  targetCheck.clear();
  file = null;
  void data?.dispose();
  data = null;
  clearData(view);
  ui.source.textContent = '';
  showError(reason);
  setState('error', 'Choose another file or a sample.');
}

async function useBytes(name: string, bytes: Uint8Array): Promise<void> {
  setupChanged();
  const reason = sizeReason(name, bytes.length);
  if (reason) return rejectData(reason);
  const token = ++loadToken;
  try {
    // The package's reader (delimiter, encoding, quotes) shows the first rows; not a CSV is its MoEError.
    const pv = await (await engine.session).preview(bytes, 8);
    if (token !== loadToken) return;
    renderPreview(view, [pv.header, ...pv.rows]);
  } catch (err) {
    if (token !== loadToken) return;
    return rejectData(`Cannot read "${name}": ${messageOf(err)}`);
  }
  file = { name, bytes };
  ui.source.textContent = `Data: ${name} (${(bytes.length / 1024).toFixed(1)} KB)`;
  ui.task.value = 'auto';
  await inspect(null);
}

async function useFile(f: File): Promise<void> {
  clearError();
  const reason = sizeReason(f.name, f.size);
  if (reason) return rejectData(reason);
  await useBytes(f.name, new Uint8Array(await f.arrayBuffer()));
}

async function useSample(id: string): Promise<void> {
  const s = SAMPLES.find((x) => x.id === id) ?? SAMPLES[0];
  clearError();
  try {
    const res = await fetch(s.file);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await useBytes(s.file.split('/').pop()!, new Uint8Array(await res.arrayBuffer()));
  } catch (err) {
    showError(`Cannot load the sample ${s.id}: ${messageOf(err)}`);
    setState('error', 'Choose another sample or your own CSV.');
  }
}

/** Drops the current model and what it was trained on. */
function forgetModel(): void {
  tryRow.clear();
  void trainer?.dispose();
  void fitted?.tr.dispose();
  void fitted?.te.dispose();
  trainer = null;
  fitted = null;
}

/** Sends one CSV row through the model's schema, predict and gate, in the worker. */
function rowRunner(t: Trainer): RunRow {
  return async (csv) => {
    const w = await engine.session;
    const ds = await w.fromCSV(csv, { schema: t.schema });
    try {
      const [output, gate] = await Promise.all([t.predict(ds), t.gate(ds)]);
      return { output, gate, warnings: ds.warnings };
    } finally {
      void ds.dispose();
    }
  };
}

/** The first row of the current file as the loaded model reads it (its imputed values when that fails). */
async function firstRowFor(t: Trainer): Promise<Map<string, string>> {
  const schema = t.schema!;
  try {
    if (!file) throw new Error('no file');
    const ds = await (await engine.session).fromCSV(file.bytes, { schema });
    try {
      return rawValues(schema, (await ds.features()).subarray(0, ds.numFeatures));
    } finally {
      void ds.dispose();
    }
  } catch {
    const values = new Map<string, string>();
    for (const c of schema.columns) {
      if (c.kind === 'numeric') values.set(c.name, String(c.impute));
      if (c.kind === 'categorical') values.set(c.name, c.categories[c.impute] ?? '');
    }
    return values;
  }
}

async function train(): Promise<void> {
  if (!file || !data || training) return;
  const ds = data;
  const o = readOptions();
  const mySetup = setup;
  const target = targetOf(ds);
  const title = `${file.name} → ${target} · ${o.summary}`;
  clearError();
  results.clear();
  let tr: RemoteDataset | null = null;
  let te: RemoteDataset | null = null;
  let next: Trainer | null = null;
  const w = await engine.session;
  try {
    [tr, te] = await ds.split(1 - o.testFraction, { seed: o.seed, stratify: ds.task === 'classification' })
      .catch((err: unknown) => { throw new Error(`Held-out test fraction: ${messageOf(err)}`); });
    next = await w.forDataset(tr, o.model);
  } catch (err) {
    void tr?.dispose();
    void te?.dispose();
    showError(`Cannot train with these options: ${messageOf(err)}`);
    setState('ready', 'Adjust the options and press Train again.');
    return;
  }
  chart.reset(ds.task === 'classification');
  ui.progress.max = o.fit.epochs;
  ui.progress.value = 0;
  setState('training', `Training on ${file.name}…`);
  ui.cancel.focus();
  const abort = new AbortController();
  const t0 = performance.now();
  let epochsDone = 0;
  const job = next.fit(tr, {
    ...o.fit, shuffle: true, signal: abort.signal,
    onEpochEnd: (epoch, logs) => {
      epochsDone = epoch + 1;
      chart.push(epochsDone, logs as unknown as EpochLogs);
      ui.progress.value = epochsDone;
      const val = logs.val_loss !== undefined ? `, val loss ${fmt(logs.val_loss)}` : '';
      ui.status.textContent = `Training: epoch ${epochsDone} of ${o.fit.epochs}, loss ${fmt(logs.loss)}${val}`;
    },
  });
  training = { job, abort };
  try {
    const history = await job;
    chart.flush();
    const rep = await next.report(te, { train: tr });
    const isClass = rep.task === 'classification';
    const metrics = rep.task === 'classification'
      ? { loss: rep.loss, accuracy: rep.accuracy }
      : { loss: rep.loss, rmse: rep.rmse, r2: rep.r2 };
    const labels = isClass ? (te.labels as Int32Array) : null;
    const gate = await next.gate(te);
    const proj = te.numRows >= 2 ? await te.project2d() : null;
    const [trainX, testX] = await Promise.all([tr.features(), te.features()]);
    const gateFn = (x: Float32Array) => next!.gate(x);
    const pair = ds.numFeatures >= 2 ? await tellingPair(gateFn, trainX, ds.numFeatures) : null;
    const map = pair ? await featureMap(gateFn, trainX, testX, ds.numFeatures, pair[0], pair[1], ds.featureNames, labels) : null;
    const summary = await next.summary();
    forgetModel();
    trainer = next;
    fitted = { tr, te, trainX, testX, target, file: file.name, bytes: file.bytes };
    loadedFrom = '';
    const stoppedEarly = history.epoch.length < o.fit.epochs;
    ui.modelInfo.textContent = `Model: ${summary.experts} experts, ${summary.parameters} parameters, trained on ${file.name} → ${target}.`;
    if (mySetup !== setup) {
      setState('done', 'Finished, but the data or options changed meanwhile: press Train to see results for the current setup.');
      return;
    }
    results.show({
      title, task: ds.task, classes: ds.classes, featureNames: ds.featureNames, metrics,
      confusion: rep.task === 'classification' ? rep.confusion : null,
      balancedAccuracy: rep.task === 'classification' ? rep.balancedAccuracy : undefined,
      perClass: rep.task === 'classification' ? rep.perClass : null,
      pva: rep.task === 'regression' ? { actual: rep.actual, predicted: rep.predicted, target, mae: rep.mae } : null,
      pca: proj ? { ...proj, winner: winners(gate, te.numRows), experts: gate.length / te.numRows, classOf: labels } : null,
      usage: expertUsage(gate, te.numRows, labels, isClass ? ds.classes.length : 0),
      map, mapPair: pair,
      baseline: rep.task === 'classification'
        ? { value: rep.baseline.accuracy, label: `Always "${rep.baseline.class}"` }
        : { value: rep.baseline.rmse, label: 'Mean predictor RMSE' },
      verdict: verdict({
        task: rep.task, rows: rep.rows, ...metrics, valLoss: history.val_loss,
        baseline: rep.task === 'classification'
          ? { label: rep.baseline.class, accuracy: rep.baseline.accuracy }
          : { label: rep.baseline.value.map((v) => Number(v.toPrecision(4))).join(', '), rmse: rep.baseline.rmse },
      }),
      note: `${tr.numRows} training rows, ${te.numRows} test rows, ${summary.parameters} parameters, ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s${stoppedEarly ? ', stopped early' : ''}.`,
    });
    void tryRow.show(next.schema!, rawValues(next.schema!, testX.subarray(0, ds.numFeatures)), rowRunner(next));
    $('results-heading').focus();
    const headline = isClass ? `test accuracy ${fmt(metrics.accuracy, 3)}` : `test RMSE ${fmt(metrics.rmse, 3)}, R² ${fmt(metrics.r2, 3)}`;
    setState('done', `Finished: ${headline}.`);
  } catch (err) {
    chart.flush();
    if (trainer !== next) {
      void next.dispose();
      void tr.dispose();
      void te.dispose();
    }
    if (cancelling || (err as Error)?.name === 'AbortError') {
      setState('cancelled', `Cancelled after ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}. Press Train to start again.`);
    } else {
      showError(`Training failed: ${messageOf(err)}`);
      setState('error', 'Training failed; adjust the options or the data and try again.');
    }
  } finally {
    training = null;
    cancelling = false;
    refreshState();
  }
}

async function cancel(): Promise<void> {
  if (!training || cancelling) return;
  cancelling = true;
  ui.status.textContent = 'Cancelling…';
  ui.cancel.disabled = true;
  training.abort.abort();
  const hard = await engine.settleOrRestart(training.job);
  if (hard) {
    // The worker was replaced: its datasets and model are gone; read the file again.
    trainer = null;
    fitted = null;
    data = null;
    await inspect(view.target.value || null);
    setState('cancelled', 'Cancelled (the worker was restarted). Press Train to start again.');
  }
}

function download(name: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([typeof bytes === 'string' ? bytes : bytes.slice()], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stem = (s: string) => s.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'model';

/** The model's file name: "penguins.csv" + "species" -> "penguins-species" (a loaded model keeps its name). */
function modelName(): string {
  return fitted ? `${stem(fitted.file)}-${stem(fitted.target)}` : stem(loadedFrom || 'model');
}

/** Predictions are named after the data they are for and the model's target. */
function predictionsName(): string {
  return `${stem(file?.name ?? 'data')}-${stem(trainer?.schema?.target ?? 'target')}-predictions.csv`;
}

async function guarded(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    clearError();
    await fn();
  } catch (err) {
    showError(`${what}: ${messageOf(err)}`);
  }
}

/** The shared predictions CSV (input columns as read, split flag, prediction, rounded probabilities). */
async function predictionsCsv(): Promise<{ csv: string; rows: number }> {
  if (!trainer || !file) throw new Error('train or load a model and choose a CSV first');
  if (fitted && fitted.bytes === file.bytes) {
    // The file the model was trained on: every row, flagged as a training or a held-out test row.
    const csv = await trainer.predictionsCsv([{ data: fitted.tr, split: 'train' }, { data: fitted.te, split: 'test' }]);
    return { csv, rows: fitted.tr.numRows + fitted.te.numRows };
  }
  const ds = await (await engine.session).fromCSV(file.bytes, { schema: trainer.schema, keepRaw: true });
  try {
    return { csv: await trainer.predictionsCsv(ds), rows: ds.numRows };
  } finally {
    void ds.dispose();
  }
}

function wire(): void {
  for (const s of SAMPLES) {
    const o = document.createElement('option');
    o.value = s.id;
    o.textContent = s.label;
    ui.sample.append(o);
  }
  ui.sample.value = DEFAULT_SAMPLE;
  ui.sample.addEventListener('change', () => void useSample(ui.sample.value));
  ui.csvInput.addEventListener('change', () => {
    const f = ui.csvInput.files?.[0];
    ui.csvInput.value = '';
    if (f) void useFile(f);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f && !training) void useFile(f);
  });
  view.target.addEventListener('change', () => { setupChanged(); void inspect(view.target.value); });
  ui.task.addEventListener('change', () => { setupChanged(); void inspect(view.target.value || null); });
  ui.modelCard.addEventListener('input', setupChanged);
  ui.modelCard.addEventListener('change', setupChanged);
  ui.train.addEventListener('click', () => void train());
  $('retrain-early-stopping').addEventListener('click', () => {
    settings.earlyStopping();
    void train();
  });
  ui.cancel.addEventListener('click', () => void cancel());
  const remap = () =>
    guarded('Cannot draw the expert map', async () => {
      if (!trainer || !fitted) return;
      const t = trainer;
      const d = fitted.tr.numFeatures;
      const labels = fitted.te.task === 'classification' ? (fitted.te.labels as Int32Array) : null;
      const map = await featureMap((x) => t.gate(x), fitted.trainX, fitted.testX, d, Number(results.mapX.value), Number(results.mapY.value), fitted.tr.featureNames, labels);
      results.drawMap(map);
    });
  results.view.addEventListener('change', () => (results.view.value === 'features' && !results.featureMap ? void remap() : results.redraw()));
  results.classFilter.addEventListener('change', () => results.redraw());
  results.mapX.addEventListener('change', () => void remap());
  results.mapY.addEventListener('change', () => void remap());
  ui.downloadModel.addEventListener('click', () =>
    void guarded('Cannot save the model', async () => {
      if (trainer) download(`${modelName()}.moe`, await trainer.save(), 'application/octet-stream');
    }));
  ui.downloadOnnx.addEventListener('click', () =>
    void guarded('Cannot export ONNX', async () => {
      if (trainer) download(`${modelName()}.onnx`, await trainer.toONNX(), 'application/octet-stream');
    }));
  ui.downloadPredictions.addEventListener('click', () =>
    void guarded('Cannot predict', async () => {
      const p = await predictionsCsv();
      const name = predictionsName();
      download(name, p.csv, 'text/csv');
      ui.status.textContent = `Predicted ${p.rows} rows of ${file?.name ?? ''}; ${name} downloaded.`;
    }));
  $('copy-onnx-snippet').addEventListener('click', () =>
    void guarded('Cannot copy', async () => {
      await navigator.clipboard.writeText($('onnx-snippet').textContent ?? '');
      ui.status.textContent = 'The ONNX code is on the clipboard.';
    }));
  ui.loadModel.addEventListener('change', () => {
    const f = ui.loadModel.files?.[0];
    ui.loadModel.value = '';
    if (!f) return;
    void guarded(`Cannot load "${f.name}" as a model`, async () => {
      const w = await engine.session;
      const next = await w.load(await f.arrayBuffer());
      const summary = await next.summary();
      forgetModel();
      setupChanged();
      trainer = next;
      loadedFrom = f.name;
      if (next.schema) void tryRow.show(next.schema, await firstRowFor(next), rowRunner(next));
      ui.modelInfo.textContent = `Model: loaded from ${f.name} (${next.options.task}, ${summary.experts} experts, ${summary.parameters} parameters).`;
      setState('ready', `Loaded ${f.name}. Choose a CSV and press "Download predictions".`);
    });
  });
}

async function start(): Promise<void> {
  registerServiceWorker();
  settings = new Settings(ui.modelCard);
  mountAutoPanel(document.querySelector('main')!, () => file && { ...file, target: view.target.value, task: ui.task.value });
  wire();
  results.clear();
  setState('loading', 'Loading the engine…');
  const sample = useSample(DEFAULT_SAMPLE);
  try {
    await engine.session;
  } catch (err) {
    showError(`The moe-wasm engine could not start: ${messageOf(err)}`);
  }
  await sample;
  refreshState();
}

void start();
