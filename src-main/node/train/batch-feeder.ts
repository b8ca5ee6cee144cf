/**
 * Batches assembled in a worker thread (feed-worker.ts) while this thread computes. onnxruntime's
 * step holds this thread's event loop for the whole step, so reads and copies done here, or
 * awaited here, only ever ran between steps; the worker reads the next batch's blocks from the
 * cache and lays it out while the step runs. It holds the run's only samples, under the memory
 * budget; this thread keeps the headers and draws every augmentation (data.ts `planRows`), in
 * order, so a seed gives the same batches as assembling them here would.
 *
 * A batch's buffers are moved (transferred, not copied) to the worker and back: onnxruntime takes
 * no shared memory. Two pairs take turns in a loop of steps.
 */
import type { Worker } from 'node:worker_threads';
import type { Random } from '../../core/random';
import type { CacheWindow } from '../cache/build';
import { startWorker } from '../workers/entries';
import { type Augmentation, batchSpans, planRows, type RowPlan, type TrainingSet } from './data';
import type { Recording, SampleSpan } from './window-store';

export interface FeedWorkerData {
  recordings: ReadonlyMap<string, Recording>;
  budgetBytes: number;
  channels: number;
  windowSamples: number;
}

interface Buffers {
  /** [rows, samples, channels] */
  x: ArrayBuffer;
  /** [rows, classes] */
  y: ArrayBuffer;
}

export interface FeedRequest extends Buffers {
  spans: SampleSpan[];
  rows: RowPlan[];
}

/** The request's buffers come back either way. */
export type FeedReply = Buffers & ({ ok: true } | { ok: false; error: string });

export interface Batch {
  /** [rows, samples, channels] */
  x: Float32Array;
  /** [rows, classes] */
  y: Float32Array;
}

const CLASSES = 6;

export class BatchFeeder {
  /** Answers not yet come, oldest first: the worker answers in order. */
  private readonly waiting: { rows: number; resolve: (batch: Batch) => void; reject: (err: Error) => void }[] = [];
  /** Batches handed out, oldest first; all but the newest are taken back at the next `assemble`. */
  private readonly handedOut: Buffers[] = [];
  private readonly spare: Buffers[] = [];
  private failure: Error | null = null;

  private constructor(
    private readonly set: TrainingSet,
    private readonly maxRows: number,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: FeedReply) => this.answer(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the batch worker exited with code ${code}`)));
  }

  /** Starts the worker; it holds what `set.store`'s budget allows, and batches of up to `maxRows` rows. */
  static start(set: TrainingSet, maxRows: number): BatchFeeder {
    const workerData: FeedWorkerData = { recordings: set.store.recordingTable, budgetBytes: set.store.budgetBytes, channels: set.channels, windowSamples: set.windowSamples };
    return new BatchFeeder(set, maxRows, startWorker('feed-worker', { workerData }));
  }

  /**
   * Windows `rows`, augmented by draws from `rng` made now, as a batch that the worker assembles
   * while the caller goes on. Batches handed out before the newest one are taken back: their
   * arrays are empty from here on. After `close` it neither resolves nor rejects.
   */
  assemble(rows: readonly CacheWindow[], augmentation: Augmentation, rng: Random | null): Promise<Batch> {
    if (rows.length > this.maxRows) throw new Error(`a batch of ${rows.length} rows is more than the ${this.maxRows} this feeder was started for`);
    const request: FeedRequest = { spans: batchSpans(this.set, rows, augmentation), rows: planRows(this.set, rows, augmentation, rng), ...this.buffers() };
    if (this.failure) return Promise.reject(this.failure);
    const done = new Promise<Batch>((resolve, reject) => this.waiting.push({ rows: rows.length, resolve, reject }));
    this.worker.postMessage(request, [request.x, request.y]);
    return done;
  }

  /** Stops the worker; a batch still being assembled is dropped unheard, as its caller has gone. */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.waiting.splice(0);
    await this.worker.terminate();
  }

  /** A free pair: one taken back from the caller, else a new one. */
  private buffers(): Buffers {
    this.spare.push(...this.handedOut.splice(0, this.handedOut.length - 1));
    const perRow = this.set.windowSamples * this.set.channels;
    return this.spare.pop() ?? { x: new ArrayBuffer(this.maxRows * perRow * 4), y: new ArrayBuffer(this.maxRows * CLASSES * 4) };
  }

  private answer(reply: FeedReply): void {
    const next = this.waiting.shift();
    const buffers = { x: reply.x, y: reply.y };
    if (!reply.ok || !next) {
      this.spare.push(buffers);
      next?.reject(new Error(reply.ok ? 'an answer nobody asked for' : reply.error));
      return;
    }
    this.handedOut.push(buffers);
    next.resolve({ x: new Float32Array(reply.x, 0, next.rows * this.set.windowSamples * this.set.channels), y: new Float32Array(reply.y, 0, next.rows * CLASSES) });
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}
