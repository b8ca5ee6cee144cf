/**
 * Data-parallel training on worker threads, each with its own single-threaded wasm backend (tfjs
 * wasm has no usable threads under Node; separate workers use every core). Weights, the batch,
 * the predictions and each worker's gradients live in SharedArrayBuffers: a step writes the batch,
 * each worker takes a slice of rows, reads the weights, and writes its share of the gradients;
 * this thread adds the shares and runs Adam. Messages carry only row ranges and losses, so
 * communication stays far below 1% of a step. Batch norm uses each worker's slice statistics (as
 * PyTorch's DistributedDataParallel does without SyncBatchNorm); the running statistics follow
 * their row-weighted mean.
 */
import type { Worker } from 'node:worker_threads';
import { describeModel, type ModelSpec } from '../../core/models';
import type { BackendInfo } from '../../core/training';
import { Adam, type AdamOptions } from './adam';
import { applyStep, stateRanges } from './gradients';
import type { LossKind } from './loss';
import type { Trainer } from './trainer-interface';
import { startWorker } from '../workers/entries';

export interface GradWorkerData {
  spec: ModelSpec;
  seed: number;
  /** Rank 0 writes the initial weights. */
  rank: number;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** Predicted probabilities [rows, classes]. */
  out: SharedArrayBuffer;
}

export type GradRequest = { kind: 'grad'; begin: number; rows: number; batchRows: number; loss: LossKind } | { kind: 'predict'; begin: number; rows: number };
export type GradReply = { ok: true; loss: number } | { ok: false; error: string };

export interface ParallelOptions {
  spec: ModelSpec;
  seed: number;
  adam?: AdamOptions;
  maxBatch: number;
  workers: number;
}

interface Buffers {
  grads: Float32Array[];
  x: Float32Array;
  y: Float32Array;
  out: Float32Array;
  weights: Float32Array;
}

export class ParallelTrainer implements Trainer {
  readonly backend: BackendInfo;
  readonly optimizer: Adam;
  readonly weights: Float32Array;
  private readonly gradSum: Float32Array;

  private constructor(
    private readonly threads: Worker[],
    private readonly buffers: Buffers,
    private readonly classes: number,
    private readonly state: [number, number][],
    adam: AdamOptions,
  ) {
    this.weights = buffers.weights;
    this.gradSum = new Float32Array(this.weights.length);
    this.optimizer = new Adam(this.weights.length, adam);
    this.backend = { name: 'wasm', device: 'cpu', threads: threads.length };
  }

  get workers(): number {
    return this.threads.length;
  }

  static async start({ spec, seed, adam = { lr: 1e-3 }, maxBatch, workers }: ParallelOptions): Promise<ParallelTrainer> {
    const description = describeModel(spec);
    const size = description.parameters;
    const classes = description.outputShape[0];
    const shared = (floats: number) => new SharedArrayBuffer(floats * Float32Array.BYTES_PER_ELEMENT);
    const weights = shared(size);
    const x = shared(maxBatch * spec.input.samples * spec.input.channels);
    const y = shared(maxBatch * classes);
    const out = shared(maxBatch * classes);
    const grads = Array.from({ length: Math.max(1, workers) }, () => shared(size));
    const threads = grads.map((g, rank) => {
      const workerData: GradWorkerData = { spec, seed, rank, weights, grads: g, x, y, out };
      return startWorker('grad-worker', { workerData });
    });
    try {
      await Promise.all(threads.map((t) => reply(t)));
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw err;
    }
    const buffers = {
      grads: grads.map((g) => new Float32Array(g)),
      x: new Float32Array(x),
      y: new Float32Array(y),
      out: new Float32Array(out),
      weights: new Float32Array(weights),
    };
    return new ParallelTrainer(threads, buffers, classes, stateRanges({ description }), adam);
  }

  async step(x: Float32Array, y: Float32Array, rows: number, loss: LossKind = 'kl'): Promise<number> {
    this.load(x, rows);
    this.buffers.y.set(y);
    const { busy, results } = await this.run(rows, (begin, n) => ({ kind: 'grad', begin, rows: n, batchRows: rows, loss }));
    this.gradSum.set(this.buffers.grads[busy[0]]);
    for (const i of busy.slice(1)) {
      const g = this.buffers.grads[i];
      for (let k = 0; k < g.length; k++) this.gradSum[k] += g[k];
    }
    applyStep(this.optimizer, this.weights, this.gradSum, this.state);
    return results.reduce((a, b) => a + b, 0);
  }

  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    this.load(x, rows);
    await this.run(rows, (begin, n) => ({ kind: 'predict', begin, rows: n }));
    return this.buffers.out.slice(0, rows * this.classes);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private load(x: Float32Array, rows: number): void {
    // A thread that has exited (closed, crashed, out of memory) would never answer.
    if (this.threads.some((t) => t.threadId === -1)) throw new Error('the training workers have stopped; start a new trainer');
    const perRow = x.length / rows;
    if (rows * perRow > this.buffers.x.length) throw new Error(`a batch of ${rows} is larger than this trainer's ${this.buffers.x.length / perRow}`);
    this.buffers.x.set(x);
  }

  /** Splits `rows` over the workers; every worker answers before a failure is reported, so no late answer is taken for the next request's. */
  private async run(rows: number, request: (begin: number, rows: number) => GradRequest): Promise<{ busy: number[]; results: number[] }> {
    const share = Math.ceil(rows / this.threads.length);
    const busy = this.threads.map((_, i) => i).filter((i) => i * share < rows);
    const settled = await Promise.allSettled(
      busy.map((i) => {
        this.threads[i].postMessage(request(i * share, Math.min(share, rows - i * share)));
        return reply(this.threads[i]);
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { busy, results: settled.map((r) => (r as PromiseFulfilledResult<number>).value) };
  }
}

/** The worker's next answer: its loss, or its failure (an error message, a crash, an exit). */
function reply(thread: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = () => thread.off('message', onMessage).off('error', onError).off('exit', onExit);
    const onMessage = (m: GradReply) => {
      done();
      if (m.ok) resolve(m.loss);
      else reject(new Error(`training worker: ${m.error}`));
    };
    const onError = (err: Error) => {
      done();
      reject(new Error(`training worker crashed: ${err.message}`));
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`training worker exited with code ${code}`));
    };
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
