// The tsc fixtures of run.mjs: one consumer file compiled with strict + skipLibCheck:false under
// each module resolution a TypeScript user may pick (bundler, node16, nodenext, node10). It uses
// the typed results without narrowing: a wrong type in the package's .d.ts fails the fixture.
const source = `import { init, Dataset, MoE, MoEError, type MoEOptions, type History, type Logs, type ModelSummary, type Schema } from 'moe-wasm';
import { createTrainer, type Trainer } from 'moe-wasm/worker';

export async function train(csv: string): Promise<number> {
  const info: { simd: boolean; version: string } = await init({ wasmUrl: '/assets/' });
  const ds = Dataset.fromCSV(csv, { target: 'y' });
  const options: MoEOptions = { inputDim: ds.numFeatures, outputDim: ds.outputDim, experts: 2 };
  const model = new MoE({ ...options, task: 'classification' });
  const history: History = await model.fit(ds, {
    epochs: 2, validationData: [ds.features, ds.labels ?? new Int32Array(0)],
    callbacks: { onEpochEnd: (epoch: number, logs: Logs) => { const l: number = logs.loss; void epoch; void l; } },
  });
  const accuracy: number = model.evaluate(ds).accuracy;
  const summary: ModelSummary = model.summary();
  const schema: Schema | null = ds.schema;
  const means: number[] = (schema?.columns ?? []).flatMap((c) => (c.kind === 'numeric' ? [c.mean] : []));
  void means;
  const params: number = summary.parameters + summary.layers[0].shape[0];
  const reg = new MoE({ inputDim: 2, outputDim: 1, task: 'regression' });
  const rmse: number = reg.evaluate({ x: [[1, 2]], y: [3] }).rmse;
  const trainer: Trainer<'regression'> = await createTrainer({ inputDim: 2, outputDim: 1, task: 'regression' }, { simd: info.simd });
  const r2: number = (await trainer.evaluate({ x: [[1, 2]], y: [3] })).r2;
  await trainer.dispose();
  const err: Error = new MoEError('x');
  void err;
  return history.epoch.length + accuracy + params + rmse + r2;
}
`;

const config = (module, moduleResolution) => JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module, moduleResolution, strict: true, skipLibCheck: false, noEmit: true,
    lib: ['ES2022', 'DOM'], types: [],
  },
  files: ['index.ts'],
}, null, 2);

const esm = '{ "type": "module" }';
export const TYPE_FIXTURES = [
  { name: 'bundler', files: { 'tsconfig.json': config('ESNext', 'Bundler'), 'index.ts': source, 'package.json': esm } },
  { name: 'node16', files: { 'tsconfig.json': config('Node16', 'Node16'), 'index.ts': source, 'package.json': esm } },
  { name: 'nodenext', files: { 'tsconfig.json': config('NodeNext', 'NodeNext'), 'index.ts': source, 'package.json': esm } },
  // node10 ignores "exports": 'moe-wasm/worker' resolves through "typesVersions".
  { name: 'node10', files: { 'tsconfig.json': config('CommonJS', 'Node10'), 'index.ts': source, 'package.json': '{}' } },
];
