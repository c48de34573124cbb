// Shared fixtures for the package suite: paths, the built package, the iris CSV.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = `${ROOT}dist/`;
// One copy of iris in the repo: the demo site's sample.
export const IRIS_PATH = `${ROOT}web/public/samples/iris.csv`;
export const DIABETES_PATH = `${ROOT}tests/fixtures/diabetes.csv`;
export const iris = (): string => readFileSync(IRIS_PATH, 'utf8');
export const diabetes = (): string => readFileSync(DIABETES_PATH, 'utf8');

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
