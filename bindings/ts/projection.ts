// ds.project2d(): the encoded features projected on their two principal components (the core's
// Eigen PCA, core/pca.h), for the expert map. Only shapes the wasm result.
import { check, type RawStatus } from './errors.js';
import { current, guard } from './module-loader.js';

/** Every row's coordinates on the first two principal components, and each one's share of the variance. */
export interface Projection2d { x: Float32Array; y: Float32Array; explained: [number, number] }

interface RawPca { pca2d(x: Float32Array, rows: number, d: number): RawStatus & Projection2d }

/** features (rows, d) row-major -> Projection2d; MoEError for fewer than 2 rows or more than 2048 features. */
export function project2d(features: Float32Array, rows: number, d: number): Projection2d {
  const module = current();
  const raw = guard(module, module.raw as unknown as RawPca);
  const r = check(raw.pca2d(features, rows, d), 'project2d');
  return { x: r.x, y: r.y, explained: [r.explained[0], r.explained[1]] };
}
