// Main-thread side of the training worker: request/response by id, epoch events, and cancellation
// (a cooperative 'cancel' first; terminate() and a fresh worker only if the worker does not answer).
import type { EpochLogs, FromWorker, ToWorker } from './protocol';

type Reply = Exclude<FromWorker, { type: 'epochs' } | { type: 'error' }>;
type Request = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

const CANCEL_GRACE_MS = 3000;

export class WorkerClient {
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  onEpochs: (items: { epoch: number; logs: EpochLogs }[], epochs: number) => void = () => {};
  onCrash: (message: string) => void = () => {};
  engine: Promise<{ simd: boolean; version: string }>;

  constructor() {
    this.engine = this.spawn();
  }

  private spawn(): Promise<{ simd: boolean; version: string }> {
    this.worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'moe-train' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      const message = `The training worker failed: ${ev.message || 'it could not be loaded'}`;
      this.failAll(message);
      this.onCrash(message);
    };
    return this.call({ type: 'hello' }).then((r) => {
      if (r.type !== 'ready') throw new Error('unexpected worker reply');
      return { simd: r.simd, version: r.version };
    });
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'epochs') {
      this.onEpochs(msg.items, msg.epochs);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new Error(msg.message));
    else p.resolve(msg);
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  /** Sends a request; resolves with the worker's reply (rejects with its error message). */
  call(req: Request, transfer: Transferable[] = []): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id } as ToWorker, transfer);
    });
  }

  /**
   * Asks the worker to stop training. If it has not answered within a grace period, the worker is
   * terminated and replaced (the trained model, if any, is lost then); resolves true in that case.
   */
  async cancel(training: Promise<unknown>): Promise<boolean> {
    this.worker.postMessage({ id: 0, type: 'cancel' } satisfies ToWorker);
    let timer = 0;
    const settled = training.then(() => false, () => false);
    const timeout = new Promise<boolean>((resolve) => {
      timer = window.setTimeout(() => resolve(true), CANCEL_GRACE_MS);
    });
    const hard = await Promise.race([settled, timeout]);
    window.clearTimeout(timer);
    if (hard) {
      this.worker.terminate();
      this.failAll('Training was stopped.');
      this.engine = this.spawn();
    }
    return hard;
  }
}
