// Turns what the trained model returns (predict and gate outputs, via moe-wasm/worker) into the
// page's pictures: expert usage per class, each row's favourite expert, the "which expert wins" grid.
// No model maths here: every number comes from Trainer.predict / Trainer.gate.
import type { ExpertMap, ExpertUsage } from './view-types';

const MAP_GRID = 64;
const PAIR_GRID = 16;
const MAP_SEARCH = 8;

type Gate = (x: Float32Array) => Promise<Float32Array>;

function argmax(v: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[off + j] > v[off + best]) best = j;
  return best;
}

/** Average gate weight per expert over all rows and per true class. gate: (N, E); labels: (N) or null. */
export function expertUsage(gate: Float32Array, n: number, labels: Int32Array | null, numClasses: number): ExpertUsage {
  const e = n > 0 ? gate.length / n : 0;
  const overall = new Array<number>(e).fill(0);
  const perClass = Array.from({ length: numClasses }, () => new Array<number>(e).fill(0));
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels && numClasses > 0 ? labels[i] : -1;
    if (c >= 0) counts[c]++;
    for (let j = 0; j < e; j++) {
      overall[j] += gate[i * e + j] / n;
      if (c >= 0) perClass[c][j] += gate[i * e + j];
    }
  }
  perClass.forEach((row, c) => row.forEach((_, j) => (row[j] = counts[c] ? row[j] / counts[c] : 0)));
  return { overall, perClass };
}

/** The expert with the largest gate weight per row. gate: (N, E) -> (N). */
export function winners(gate: Float32Array, n: number): Uint8Array {
  const e = n > 0 ? gate.length / n : 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = argmax(gate, i * e, e);
  return out;
}

interface Frame { mean: Float32Array; lo: number[]; hi: number[] }

function frame(train: Float32Array, d: number, axes: number[]): Frame {
  const n = train.length / d;
  const mean = new Float32Array(d); // (D)
  const lo = axes.map(() => Infinity);
  const hi = axes.map(() => -Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mean[j] += train[i * d + j] / n;
    axes.forEach((f, k) => {
      lo[k] = Math.min(lo[k], train[i * d + f]);
      hi[k] = Math.max(hi[k], train[i * d + f]);
    });
  }
  return { mean, lo, hi };
}

const padded = (lo: number, hi: number): [number, number] => {
  const pad = Math.max(1e-3, (hi - lo) * 0.05);
  return [lo - pad, hi + pad];
};

/** Grid rows (G*G, D): the training mean with features fx, fy swept over their ranges. */
function gridRows(mean: Float32Array, fx: number, fy: number, xr: [number, number], yr: [number, number], g: number): Float32Array {
  const d = mean.length;
  const x = new Float32Array(g * g * d);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const row = (r * g + c) * d;
      x.set(mean, row);
      x[row + fx] = xr[0] + ((c + 0.5) / g) * (xr[1] - xr[0]);
      x[row + fy] = yr[0] + ((r + 0.5) / g) * (yr[1] - yr[0]);
    }
  }
  return x;
}

/**
 * The feature pair (among the first MAP_SEARCH) over which the gate's favourite expert changes the
 * most on a coarse grid: most experts winning somewhere, then the most even split. One gate call.
 */
export async function tellingPair(gate: Gate, train: Float32Array, d: number): Promise<[number, number]> {
  const k = Math.min(d, MAP_SEARCH);
  const pairs: [number, number][] = [];
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) pairs.push([a, b]);
  const f = frame(train, d, Array.from({ length: k }, (_, i) => i));
  const cells = PAIR_GRID * PAIR_GRID;
  const x = new Float32Array(pairs.length * cells * d); // (P*G*G, D)
  pairs.forEach(([a, b], p) => x.set(gridRows(f.mean, a, b, padded(f.lo[a], f.hi[a]), padded(f.lo[b], f.hi[b]), PAIR_GRID), p * cells * d));
  const g = await gate(x); // (P*G*G, E)
  const e = g.length / (pairs.length * cells);
  let best = pairs[0] ?? [0, 1];
  let bestScore = -1;
  pairs.forEach((pair, p) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < cells; i++) {
      const w = argmax(g, (p * cells + i) * e, e);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    let entropy = 0;
    for (const c of counts.values()) entropy -= (c / cells) * Math.log(c / cells);
    const score = counts.size + entropy / (Math.log(e) + 1);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      best = pair;
    }
  });
  return best;
}

/** The winning expert over features fx, fy (others at their training mean) and the test rows on top. */
export async function featureMap(
  gate: Gate, train: Float32Array, test: Float32Array, d: number, fx: number, fy: number,
  names: string[], testClass: Int32Array | null,
): Promise<ExpertMap> {
  const f = frame(train, d, [fx, fy]);
  const xRange = padded(f.lo[0], f.hi[0]);
  const yRange = padded(f.lo[1], f.hi[1]);
  const g = await gate(gridRows(f.mean, fx, fy, xRange, yRange, MAP_GRID)); // (G*G, E)
  const experts = g.length / (MAP_GRID * MAP_GRID);
  const winner = new Uint8Array(MAP_GRID * MAP_GRID);
  for (let i = 0; i < winner.length; i++) winner[i] = argmax(g, i * experts, experts);
  const n = test.length / d;
  const points = new Float32Array(n * 2); // (N, 2)
  const pointClass = new Int32Array(n).fill(-1); // (N)
  for (let i = 0; i < n; i++) {
    points[2 * i] = test[i * d + fx];
    points[2 * i + 1] = test[i * d + fy];
    if (testClass) pointClass[i] = testClass[i];
  }
  return { xLabel: names[fx], yLabel: names[fy], grid: MAP_GRID, xRange, yRange, winner, points, pointClass, experts };
}
