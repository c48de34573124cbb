// The page's one moe-wasm/worker session (the worker that holds the datasets and the model), and
// its replacement when a cancel is not answered in time. Also the `engine` line of the page.
import { openWorker, type WorkerSession } from 'moe-wasm/worker';

const CANCEL_GRACE_MS = 3000;
// Every core when the page is cross-origin isolated (the worker falls back to one thread and says why otherwise).
const THREADS = { threads: 'auto' as const };

export class Engine {
  #session: Promise<WorkerSession>;

  constructor(private line: HTMLElement) {
    this.#session = this.#open();
  }

  #open(): Promise<WorkerSession> {
    const s = openWorker(THREADS);  // every core when the page is cross-origin isolated
    s.then(
      async (w) => {
        const e = await w.engine;
        const simd = e.simd ? 'WebAssembly SIMD128' : 'baseline WebAssembly (no SIMD)';
        const why = e.threadsReason ? ` (${e.threadsReason})` : '';
        this.line.textContent = `Engine: moe-wasm ${e.version}, ${simd}, ${e.threads} thread${e.threads === 1 ? why : 's'}, running in a Web Worker.`;
      },
      () => { this.line.textContent = 'Engine: failed to load.'; },
    );
    return s;
  }

  get session(): Promise<WorkerSession> { return this.#session; }

  /**
   * Waits up to a grace period for `job` (a fit that was asked to abort) to settle; if it does not,
   * ends the worker and starts a fresh one (its datasets and model are gone). Resolves true then.
   */
  async settleOrRestart(job: Promise<unknown>): Promise<boolean> {
    let timer = 0;
    const settled = job.then(() => false, () => false);
    const late = new Promise<boolean>((resolve) => { timer = window.setTimeout(() => resolve(true), CANCEL_GRACE_MS); });
    const hard = await Promise.race([settled, late]);
    window.clearTimeout(timer);
    if (hard) {
      (await this.#session).terminate('Training was stopped.');
      this.#session = this.#open();
    }
    return hard;
  }
}
