// A Dataset that lives in a 'moe-wasm/worker' worker: parsed there once, named by a handle, and
// passed by handle to Trainer.fit/evaluate/predict/gate. The calling side keeps only its metadata
// and labels; the encoded feature matrix stays in the worker unless features() asks for a copy.
import { MoEError } from './errors.js';
import type { ColumnInfo, Schema, SplitOptions } from './dataset.js';
import type { Projection2d } from './projection.js';
import type { Task } from './options.js';
import type { Channel } from './worker-channel.js';
import type { DatasetInfo, DatasetRef } from './worker-protocol.js';

export class RemoteDataset {
  readonly numRows: number;
  readonly numFeatures: number;
  /** Regression targets per row (1 for CSV data); for classification the number of classes. */
  readonly outputDim: number;
  readonly task: Task;
  readonly featureNames: string[];
  readonly classes: string[];
  readonly columns: ColumnInfo[];
  readonly warnings: string[];
  readonly schema: Schema | null;
  /** (numRows,) class indices or (numRows * outputDim) values; null when the CSV had no target. */
  readonly labels: Int32Array | Float32Array | null;
  #channel: Channel;
  #handle: number;
  #disposed = false;

  /** @internal made by WorkerSession.fromCSV and split(). */
  constructor(channel: Channel, info: DatasetInfo) {
    this.#channel = channel;
    this.#handle = info.handle;
    this.numRows = info.numRows; this.numFeatures = info.numFeatures; this.outputDim = info.outputDim;
    this.task = info.task; this.featureNames = info.featureNames; this.classes = info.classes;
    this.columns = info.columns; this.warnings = info.warnings; this.schema = info.schema; this.labels = info.labels;
  }

  /** @internal the reference the worker understands; throws if disposed or the worker belongs to another session. */
  ref(channel: Channel): DatasetRef {
    if (this.#disposed) throw new MoEError('the dataset has been disposed');
    if (channel !== this.#channel) throw new MoEError('the dataset lives in another worker: parse it with the same WorkerSession as the trainer');
    return { dataset: this.#handle };
  }

  /** Same as Dataset.split, done in the worker: two new remote datasets (this one stays). */
  async split(fraction: number, options: SplitOptions = {}): Promise<[RemoteDataset, RemoteDataset]> {
    const ref = this.ref(this.#channel);
    const [a, b] = await this.#channel.call({ type: 'split', dataset: ref.dataset, fraction, options }) as [DatasetInfo, DatasetInfo];
    return [new RemoteDataset(this.#channel, a), new RemoteDataset(this.#channel, b)];
  }

  /** A copy of the encoded features: (numRows, numFeatures) row-major. */
  async features(): Promise<Float32Array> {
    const ref = this.ref(this.#channel);
    return await this.#channel.call({ type: 'features', dataset: ref.dataset }) as Float32Array;
  }

  /** ds.project2d() in the worker: the rows on the first two principal components of the encoded features. */
  async project2d(): Promise<Projection2d> {
    const ref = this.ref(this.#channel);
    return await this.#channel.call({ type: 'project2d', dataset: ref.dataset }) as Projection2d;
  }

  /** Frees the dataset in the worker; later use throws MoEError. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#channel.dead) await this.#channel.call({ type: 'disposeDataset', dataset: this.#handle }).catch(() => undefined);
  }
}
