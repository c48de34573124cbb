// The tsc fixtures of run.mjs: one consumer file compiled with strict + skipLibCheck:false under
// each module resolution a TypeScript user may pick (bundler, node16, nodenext).
const source = `import { init, Dataset, MoE, MoEError, type MoEOptions, type History } from 'moe-wasm';
import { createTrainer, type Trainer } from 'moe-wasm/worker';

export async function train(csv: string): Promise<number> {
  const info: { simd: boolean; version: string } = await init({ wasmUrl: '/assets/' });
  const ds = Dataset.fromCSV(csv, { target: 'y' });
  const options: MoEOptions = { inputDim: ds.numFeatures, outputDim: ds.outputDim, experts: 2 };
  const model = new MoE(options);
  const history: History = await model.fit(ds, { epochs: 2, onEpochEnd: (epoch, logs) => { void epoch; void logs; } });
  const trainer: Trainer = await createTrainer(options, { simd: info.simd });
  await trainer.dispose();
  const err: Error = new MoEError('x');
  void err;
  return history.epoch.length;
}
`;

const config = (module, moduleResolution) => JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module, moduleResolution, strict: true, skipLibCheck: false, noEmit: true,
    lib: ['ES2022', 'DOM'], types: [],
  },
  files: ['index.ts'],
}, null, 2);

export const TYPE_FIXTURES = [
  { name: 'bundler', files: { 'tsconfig.json': config('ESNext', 'Bundler'), 'index.ts': source, 'package.json': '{ "type": "module" }' } },
  { name: 'node16', files: { 'tsconfig.json': config('Node16', 'Node16'), 'index.ts': source, 'package.json': '{ "type": "module" }' } },
  { name: 'nodenext', files: { 'tsconfig.json': config('NodeNext', 'NodeNext'), 'index.ts': source, 'package.json': '{ "type": "module" }' } },
];
