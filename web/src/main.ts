// The demo page's controller: wires the form, the training worker and the pictures together.
// It never touches moe-wasm directly (the worker does) and never puts data into innerHTML.
import { LossChart, drawExpertMap, renderConfusion, renderUsage } from './charts';
import { MAX_FILE_BYTES, previewRows, rejectReason } from './csv-preview';
import { readOptions } from './options';
import type { DataInfo, ModelInfo, Task, TrainResult } from './protocol';
import { registerServiceWorker } from './register-sw';
import { DEFAULT_SAMPLE, SAMPLES } from './samples';
import { WorkerClient } from './worker-client';
import { mountAutoPanel } from './auto-panel';

type State = 'loading' | 'ready' | 'training' | 'done' | 'cancelled' | 'error';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  engine: $('engine'),
  error: $('error-region'),
  sample: $<HTMLSelectElement>('sample-select'),
  csvInput: $<HTMLInputElement>('csv-input'),
  source: $('data-source'),
  target: $<HTMLSelectElement>('target-select'),
  task: $<HTMLSelectElement>('task-select'),
  taskDetected: $('task-detected'),
  warnings: $('warnings'),
  preview: $<HTMLTableElement>('preview'),
  train: $<HTMLButtonElement>('train-button'),
  cancel: $<HTMLButtonElement>('cancel-button'),
  progress: $<HTMLProgressElement>('epoch-progress'),
  status: $('status'),
  accuracy: $('metric-accuracy'),
  loss: $('metric-loss'),
  rmse: $('metric-rmse'),
  r2: $('metric-r2'),
  resultNote: $('result-note'),
  confusion: $<HTMLTableElement>('confusion-matrix'),
  usage: $('expert-usage'),
  mapX: $<HTMLSelectElement>('map-x'),
  mapY: $<HTMLSelectElement>('map-y'),
  map: $<HTMLCanvasElement>('expert-map'),
  mapLegend: $('map-legend'),
  downloadModel: $<HTMLButtonElement>('download-model'),
  downloadOnnx: $<HTMLButtonElement>('download-onnx'),
  loadModel: $<HTMLInputElement>('load-model-input'),
  downloadPredictions: $<HTMLButtonElement>('download-predictions'),
  modelInfo: $('model-info'),
};

const client = new WorkerClient();
const chart = new LossChart($('loss-chart'));
let current: { name: string; bytes: Uint8Array } | null = null;
let info: DataInfo | null = null;
let model: ModelInfo | null = null;
let engineReady = false;
let training: Promise<unknown> | null = null;
let loadToken = 0;

function setState(s: State, text: string): void {
  document.body.dataset.state = s;
  ui.status.textContent = text;
  const busy = s === 'training';
  ui.train.disabled = busy || !engineReady || !info;
  ui.cancel.disabled = !busy;
  ui.downloadModel.disabled = busy || !model;
  ui.downloadOnnx.disabled = busy || !model;
  ui.downloadPredictions.disabled = busy || !model || !current;
  ui.loadModel.disabled = busy;
}

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
  ui.error.scrollIntoView({ block: 'nearest' });
}

function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

function fmt(v: number | undefined, digits = 4): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '';
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function option(select: HTMLSelectElement, value: string, label = value): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}

function renderPreview(bytes: Uint8Array): void {
  const rows = previewRows(bytes);
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
  ui.preview.replaceChildren(thead, tbody);
}

function renderInfo(d: DataInfo): void {
  ui.target.replaceChildren();
  for (const c of d.columns) option(ui.target, c.name);
  ui.target.value = d.target;
  const kinds = d.columns
    .map((c) => `${c.name}: ${c.kind}${c.missing ? ` (${c.missing} missing)` : ''}`)
    .join(' · ');
  const classes = d.task === 'classification' ? `, ${d.classes.length} classes` : '';
  ui.taskDetected.textContent = `${d.task}${classes} · ${d.numRows} rows, ${d.numFeatures} encoded features`;
  ui.warnings.replaceChildren();
  const kindsItem = document.createElement('li');
  kindsItem.className = 'kinds';
  kindsItem.textContent = `Columns: ${kinds}`;
  ui.warnings.append(kindsItem);
  for (const w of d.warnings) {
    const li = document.createElement('li');
    li.className = 'warning';
    li.textContent = w;
    ui.warnings.append(li);
  }
  // Header row of the preview: mark the target column.
  ui.preview.querySelectorAll('thead th').forEach((th) => th.classList.toggle('target', th.textContent === d.target));
}

function clearResults(): void {
  for (const m of [ui.accuracy, ui.loss, ui.rmse, ui.r2]) m.textContent = '';
  ui.resultNote.textContent = '';
  renderConfusion(ui.confusion, null, []);
  renderUsage(ui.usage, null, []);
  drawExpertMap(ui.map, ui.mapLegend, null, []);
  ui.mapX.replaceChildren();
  ui.mapY.replaceChildren();
}

/** Parses the current bytes in the worker with the chosen target/task and shows what it found. */
async function inspect(target: string | null): Promise<void> {
  if (!current) return;
  const token = ++loadToken;
  info = null;
  setState('loading', `Reading ${current.name}…`);
  try {
    const task = ui.task.value as 'auto' | Task;
    const r = await client.call({ type: 'inspect', csv: copyBuffer(current.bytes), target, task });
    if (token !== loadToken || r.type !== 'info') return;
    info = r.info;
    renderInfo(info);
    clearError();
    setState('ready', `Ready: ${current.name}, ${info.numRows} rows, target "${info.target}" (${info.task}). Press Train.`);
  } catch (err) {
    if (token !== loadToken) return;
    // Offer the header's columns as targets, so a bad target choice can be corrected.
    const header = Array.from(ui.preview.querySelectorAll('thead th'), (th) => th.textContent ?? '');
    ui.target.replaceChildren();
    header.forEach((h) => option(ui.target, h));
    ui.target.value = target ?? header[header.length - 1] ?? '';
    ui.taskDetected.textContent = '';
    ui.warnings.replaceChildren();
    showError(`Cannot use "${current.name}": ${(err as Error).message}`);
    setState('error', 'Choose another target column, another file or a sample.');
  }
}

function rejectData(reason: string): void {
  loadToken++;
  current = null;
  info = null;
  ui.preview.replaceChildren();
  ui.warnings.replaceChildren();
  ui.target.replaceChildren();
  ui.taskDetected.textContent = '';
  ui.source.textContent = '';
  showError(reason);
  setState('error', 'Choose another file or a sample.');
}

async function useBytes(name: string, bytes: Uint8Array): Promise<void> {
  const reason = rejectReason(name, bytes);
  if (reason) return rejectData(reason);
  current = { name, bytes };
  ui.source.textContent = `Data: ${name} (${(bytes.length / 1024).toFixed(1)} KB)`;
  renderPreview(bytes);
  ui.task.value = 'auto';
  await inspect(null);
}

async function useFile(file: File): Promise<void> {
  clearError();
  if (file.size > MAX_FILE_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return rejectData(`"${file.name}" is ${mb} MB; this page accepts CSV files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
  }
  await useBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}

async function useSample(id: string): Promise<void> {
  const s = SAMPLES.find((x) => x.id === id) ?? SAMPLES[0];
  clearError();
  try {
    const res = await fetch(s.file);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await useBytes(s.file.split('/').pop()!, new Uint8Array(await res.arrayBuffer()));
  } catch (err) {
    showError(`Cannot load the sample ${s.id}: ${(err as Error).message}`);
    setState('error', 'Choose another sample or your own CSV.');
  }
}

function showResult(r: TrainResult, m: ModelInfo): void {
  const isClass = m.task === 'classification';
  ui.accuracy.textContent = isClass ? fmt(r.metrics.accuracy) : '';
  ui.loss.textContent = fmt(r.metrics.loss);
  ui.rmse.textContent = isClass ? '' : fmt(r.metrics.rmse);
  ui.r2.textContent = isClass ? '' : fmt(r.metrics.r2);
  $('row-accuracy').hidden = !isClass;
  $('row-rmse').hidden = isClass;
  $('row-r2').hidden = isClass;
  $('confusion-block').hidden = !isClass;
  ui.resultNote.textContent = `${r.trainRows} training rows, ${r.testRows} test rows, ${r.parameters} parameters, ` +
    `${r.seconds.toFixed(1)} s${r.stoppedEarly ? ', stopped early' : ''}.`;
  renderConfusion(ui.confusion, r.confusion, m.classes);
  renderUsage(ui.usage, r.usage, m.classes);
  ui.mapX.replaceChildren();
  ui.mapY.replaceChildren();
  m.featureNames.forEach((f, i) => {
    option(ui.mapX, String(i), f);
    option(ui.mapY, String(i), f);
  });
  if (r.map) {
    ui.mapX.value = String(r.map.fx);
    ui.mapY.value = String(r.map.fy);
  }
  drawExpertMap(ui.map, ui.mapLegend, r.map, m.classes);
}

async function train(): Promise<void> {
  if (!current || !info || training) return;
  let options;
  try {
    options = readOptions();
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  clearError();
  clearResults();
  chart.reset(info.task === 'classification');
  ui.progress.max = options.epochs;
  ui.progress.value = 0;
  setState('training', `Training on ${current.name}…`);
  client.onEpochs = (items, epochs) => {
    for (const it of items) chart.push(it.epoch, it.logs);
    const { epoch, logs } = items[items.length - 1];
    ui.progress.value = epoch;
    const val = logs.val_loss !== undefined ? `, val loss ${fmt(logs.val_loss)}` : '';
    ui.status.textContent = `Training: epoch ${epoch} of ${epochs}, loss ${fmt(logs.loss)}${val}`;
  };
  const task = ui.task.value as 'auto' | Task;
  const job = client.call({ type: 'train', csv: copyBuffer(current.bytes), target: ui.target.value || null, task, options });
  training = job;
  try {
    const r = await job;
    chart.flush();
    if (r.type === 'cancelled') {
      setState('cancelled', `Cancelled after ${r.epoch} epoch${r.epoch === 1 ? '' : 's'}. Press Train to start again.`);
    } else if (r.type === 'trained') {
      model = r.model;
      showResult(r.result, r.model);
      const m = r.result.metrics;
      const headline = r.model.task === 'classification' ? `test accuracy ${fmt(m.accuracy, 3)}` : `test RMSE ${fmt(m.rmse, 3)}, R² ${fmt(m.r2, 3)}`;
      ui.modelInfo.textContent = `Model: ${r.model.experts} experts, ${r.model.parameters} parameters, trained on ${current.name}.`;
      setState('done', `Finished: ${headline}.`);
    }
  } catch (err) {
    chart.flush();
    if (cancelling) {
      setState('cancelled', 'Cancelled (the worker was restarted). Press Train to start again.');
    } else {
      showError(`Training failed: ${(err as Error).message}`);
      setState('error', 'Training failed; adjust the options or the data and try again.');
    }
  } finally {
    training = null;
    cancelling = false;
    setState(document.body.dataset.state as State, ui.status.textContent ?? '');
  }
}

let cancelling = false;
async function cancel(): Promise<void> {
  if (!training || cancelling) return;
  cancelling = true;
  ui.status.textContent = 'Cancelling…';
  ui.cancel.disabled = true;
  await client.cancel(training);
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function guarded(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    clearError();
    await fn();
  } catch (err) {
    showError(`${what}: ${(err as Error).message}`);
  }
}

function wire(): void {
  for (const s of SAMPLES) option(ui.sample, s.id, s.label);
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
  ui.target.addEventListener('change', () => void inspect(ui.target.value));
  ui.task.addEventListener('change', () => void inspect(ui.target.value || null));
  ui.train.addEventListener('click', () => void train());
  ui.cancel.addEventListener('click', () => void cancel());
  const remap = () =>
    guarded('Cannot draw the expert map', async () => {
      const r = await client.call({ type: 'map', fx: Number(ui.mapX.value), fy: Number(ui.mapY.value) });
      if (r.type === 'map') drawExpertMap(ui.map, ui.mapLegend, r.map, model?.classes ?? []);
    });
  ui.mapX.addEventListener('change', () => void remap());
  ui.mapY.addEventListener('change', () => void remap());
  ui.downloadModel.addEventListener('click', () =>
    void guarded('Cannot save the model', async () => {
      const r = await client.call({ type: 'save' });
      if (r.type === 'saved') download('model.moe', r.bytes, 'application/octet-stream');
    }));
  ui.downloadOnnx.addEventListener('click', () =>
    void guarded('Cannot export ONNX', async () => {
      const r = await client.call({ type: 'onnx' });
      if (r.type === 'onnx') download('model.onnx', r.bytes, 'application/octet-stream');
    }));
  ui.downloadPredictions.addEventListener('click', () =>
    void guarded('Cannot predict', async () => {
      if (!current) throw new Error('choose a CSV first');
      const r = await client.call({ type: 'predict', csv: copyBuffer(current.bytes) });
      if (r.type === 'predictions') {
        download('predictions.csv', r.csv, 'text/csv');
        ui.status.textContent = `Predicted ${r.rows} rows of ${current.name}; predictions.csv downloaded.`;
      }
    }));
  ui.loadModel.addEventListener('change', () => {
    const f = ui.loadModel.files?.[0];
    ui.loadModel.value = '';
    if (!f) return;
    void guarded(`Cannot load "${f.name}" as a model`, async () => {
      const bytes = await f.arrayBuffer();
      const r = await client.call({ type: 'load', bytes }, [bytes]);
      if (r.type !== 'loaded') return;
      model = r.model;
      clearResults();
      ui.modelInfo.textContent = `Model: loaded from ${f.name} (${r.model.task}, ${r.model.experts} experts, ${r.model.parameters} parameters).`;
      setState('ready', `Loaded ${f.name}. Choose a CSV and press "Download predictions".`);
    });
  });
  client.onCrash = (message) => {
    showError(message);
    setState('error', 'The training engine stopped; reload the page.');
  };
}

async function start(): Promise<void> {
  registerServiceWorker();
  mountAutoPanel(document.querySelector('main')!, () => current && { ...current, target: ui.target.value, task: ui.task.value });
  wire();
  clearResults();
  setState('loading', 'Loading the engine…');
  const sample = useSample(DEFAULT_SAMPLE);
  try {
    const e = await client.engine;
    engineReady = true;
    ui.engine.textContent = `Engine: moe-wasm ${e.version}, ${e.simd ? 'WebAssembly SIMD128' : 'baseline WebAssembly (no SIMD)'}, running in a Web Worker.`;
  } catch (err) {
    ui.engine.textContent = 'Engine: failed to load.';
    showError(`The moe-wasm engine could not start: ${(err as Error).message}`);
  }
  await sample;
  setState(document.body.dataset.state as State, ui.status.textContent ?? '');
}

void start();
