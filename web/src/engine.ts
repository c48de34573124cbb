// The page's one moe-wasm/worker session (the worker that holds the datasets and the model), and
// its replacement when a cancel is not answered in time or the engine does not start. Also the `engine` line of the page.
import { openWorker, type WorkerSession } from 'moe-wasm/worker';

const CANCEL_GRACE_MS = 3000;
// Every core when the page is cross-origin isolated (the worker falls back to one thread and says why otherwise).
const THREADS = { threads: 'auto' as const };
// Firefox (153 ESR) now and then never finishes starting the threaded engine: the training worker's
// `new Worker()` for its thread pool does not return (about one page load in 40 in the Firefox flows;
// not understood yet, see docs/threads.md). A start slower than this is given up (the stuck worker is
// ended if it ever answers) and tried once more; a second stuck start falls back to one thread.
// Test-only knob: a number in `globalThis.__moeStartMs`, set before the page's scripts run (Playwright's
// addInitScript in tests/browser/threads-start.spec.ts, a preload script in tests/firefox/driver.ts),
// replaces the 20 s so tests need not wait it out. Nothing in the site sets it and no address or storage
// reaches it: users always get 20 s.
const USER_START_MS = 20_000;
const START_MS = startTimeout((globalThis as { __moeStartMs?: unknown }).__moeStartMs);
const SLOW_START = 'the threaded engine did not start in time';

/** The start timeout in ms: `override` when it is a positive finite number (the test knob), USER_START_MS otherwise. */
function startTimeout(override: unknown): number {
  return typeof override === 'number' && Number.isFinite(override) && override > 0 ? override : USER_START_MS;
}

/** The session `open` resolves to, or null when it has not started within START_MS (it is ended if it starts later). */
async function startWithin(open: Promise<WorkerSession>): Promise<WorkerSession | null> {
  let timer = 0;
  const late = new Promise<null>((resolve) => { timer = window.setTimeout(() => resolve(null), START_MS); });
  const s = await Promise.race([open, late]).finally(() => window.clearTimeout(timer));
  if (s === null) void open.then((w) => w.terminate(SLOW_START), () => undefined);
  return s;
}

export class Engine {
  #session: Promise<WorkerSession>;

  constructor(private line: HTMLElement) {
    this.#session = this.#open();
  }

  #open(): Promise<WorkerSession> {
    const s = this.#start();
    s.then(
      async ({ session, why: fallback }) => {
        const e = await session.engine;
        const simd = e.simd ? 'WebAssembly SIMD128' : 'baseline WebAssembly (no SIMD)';
        const reason = fallback ?? e.threadsReason;
        const why = reason ? ` (${reason})` : '';
        this.line.textContent = `Engine: moe-wasm ${e.version}, ${simd}, ${e.threads} thread${e.threads === 1 ? why : 's'}, running in a Web Worker.`;
      },
      () => { this.line.textContent = 'Engine: failed to load.'; },
    );
    return s.then(({ session }) => session);
  }

  /** Every core when isolated; a start that hangs twice gives a single-thread session and says why. */
  async #start(): Promise<{ session: WorkerSession; why?: string }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await startWithin(openWorker(THREADS));
      if (session) return { session };
    }
    return { session: await openWorker(), why: SLOW_START };
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
