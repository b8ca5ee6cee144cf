/**
 * Data-parallel training on worker threads, each with its own single-threaded wasm backend (tfjs
 * wasm has no usable threads under Node; separate workers use every core). Weights, the batch and
 * each worker's gradients live in SharedArrayBuffers: a step writes the batch, each worker takes a
 * slice of rows, reads the weights, and writes its share of the gradients; this thread adds the
 * shares and runs Adam. Messages carry only row ranges and losses, so communication stays far
 * below 1% of a step.
 */
import { Worker } from 'node:worker_threads';
import { describeModel, type ModelSpec } from '../../core/models';
import { Adam, type AdamOptions } from './adam';
import type { TrainingBackend } from './backend';
import type { Trainer } from './trainer';

export interface GradWorkerData {
  moduleUrl: string;
  spec: ModelSpec;
  seed: number;
  /** Rank 0 writes the initial weights. */
  rank: number;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
}

export type GradRequest = { begin: number; rows: number; batchRows: number };
export type GradReply = { ok: true; loss: number } | { ok: false; error: string };

export interface ParallelOptions {
  spec: ModelSpec;
  seed: number;
  adam?: AdamOptions;
  maxBatch: number;
  workers: number;
}

const BOOTSTRAP = new URL('../workers/bootstrap.mjs', import.meta.url);
const WORKER_MODULE = new URL('./grad-worker.ts', import.meta.url);

export class ParallelTrainer implements Trainer {
  readonly backend: TrainingBackend;
  readonly optimizer: Adam;
  readonly weights: Float32Array;
  private readonly gradSum: Float32Array;

  private constructor(
    private readonly threads: Worker[],
    private readonly grads: Float32Array[],
    private readonly x: Float32Array,
    private readonly y: Float32Array,
    weights: Float32Array,
    adam: AdamOptions,
  ) {
    this.weights = weights;
    this.gradSum = new Float32Array(weights.length);
    this.optimizer = new Adam(weights.length, adam);
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
    const grads = Array.from({ length: Math.max(1, workers) }, () => shared(size));
    const threads = grads.map((g, rank) => {
      const workerData: GradWorkerData = { moduleUrl: WORKER_MODULE.href, spec, seed, rank, weights, grads: g, x, y };
      return new Worker(BOOTSTRAP, { workerData });
    });
    try {
      await Promise.all(threads.map((t) => reply(t)));
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw err;
    }
    return new ParallelTrainer(threads, grads.map((g) => new Float32Array(g)), new Float32Array(x), new Float32Array(y), new Float32Array(weights), adam);
  }

  async step(x: Float32Array, y: Float32Array, rows: number): Promise<number> {
    // A thread that has exited (closed, crashed, out of memory) would never answer.
    if (this.threads.some((t) => t.threadId === -1)) throw new Error('the training workers have stopped; start a new trainer');
    const perRow = x.length / rows;
    if (rows * perRow > this.x.length) throw new Error(`a batch of ${rows} is larger than this trainer's ${this.x.length / perRow}`);
    this.x.set(x);
    this.y.set(y);
    const share = Math.ceil(rows / this.threads.length);
    const busy = this.threads
      .map((thread, i) => ({ thread, i, begin: i * share, rows: Math.max(0, Math.min(share, rows - i * share)) }))
      .filter((w) => w.rows > 0);
    // Every worker answers before a failure is reported, so no late answer is taken for the next step's.
    const settled = await Promise.allSettled(
      busy.map(({ thread, begin, rows: n }) => {
        thread.postMessage({ begin, rows: n, batchRows: rows } satisfies GradRequest);
        return reply(thread);
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const losses = settled.map((r) => (r as PromiseFulfilledResult<number>).value);
    this.gradSum.set(this.grads[busy[0].i]);
    for (const { i } of busy.slice(1)) {
      const g = this.grads[i];
      for (let k = 0; k < g.length; k++) this.gradSum[k] += g[k];
    }
    this.optimizer.step(this.weights, this.gradSum);
    return losses.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
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
