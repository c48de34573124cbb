// Training progress of the CLI on stderr: on a terminal one line redrawn within the epoch (bar,
// rows/s, elapsed, ETA); otherwise (logs, CI, pipes) one plain line per finished epoch.
import type { Logs } from './model.js';

export interface Progress {
  /** Whether batch updates are wanted (a terminal): pass onBatch as fit's onBatchEnd only then. */
  readonly live: boolean;
  batch(batch: number, logs: Logs): void;
  epoch(epoch: number, logs: Logs): void;
  done(): void;
}

const WIDTH = 24;

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

function metrics(logs: Logs): string {
  return Object.entries(logs).filter(([k]) => !['batch', 'size', 'batch_loss'].includes(k))
    .map(([k, v]) => `${k} ${(v ?? NaN).toFixed(4)}`).join('  ');
}

/** rows: training rows per epoch; out: the stream (process.stderr). */
export function progress(epochs: number, rows: number, batchSize: number, out: NodeJS.WriteStream): Progress {
  const live = Boolean(out.isTTY);
  const batchesPerEpoch = Math.max(1, Math.ceil(rows / batchSize));
  const started = performance.now();
  let epochNow = 0;
  let lastDraw = 0;
  const bar = (fraction: number) => {
    const filled = Math.round(Math.min(1, fraction) * WIDTH);
    return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  };
  const label = (e: number) => `epoch ${String(e + 1).padStart(String(epochs).length)}/${epochs}`;
  return {
    live,
    batch(batch, logs) {
      const now = performance.now();
      if (now - lastDraw < 100 && batch + 1 < batchesPerEpoch) return;
      lastDraw = now;
      const done = Math.min(rows * epochs, epochNow * rows + Math.min(rows, (batch + 1) * batchSize));
      const elapsed = (now - started) / 1000;
      const rate = done / Math.max(elapsed, 1e-3);
      const eta = (rows * epochs - done) / rate;
      out.write(`\r\x1b[K${label(epochNow)} ${bar((batch + 1) / batchesPerEpoch)} ${Math.round(rate)} rows/s  ` +
        `elapsed ${seconds(elapsed)}  ETA ${seconds(eta)}  loss ${(logs.loss ?? NaN).toFixed(4)}`);
    },
    epoch(e, logs) {
      epochNow = e + 1;
      const line = `${label(e)} ${bar((e + 1) / epochs)} ${metrics(logs)}`;
      out.write(live ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
    done() { /* every epoch ends its own line */ },
  };
}
