/**
 * A `Trainer` owns a model's flat weights and its optimiser, takes one batch a step and predicts,
 * wherever the arithmetic runs: here on the current backend (`LocalTrainer`; the native binding
 * uses every core by itself), or split across worker threads (`ParallelTrainer`, for wasm).
 * `startTrainer` picks: native binding if it loads, else wasm workers.
 */
import { availableParallelism } from 'node:os';
import type { ModelSpec } from '../../core/models';
import { Adam, type AdamOptions } from './adam';
import { type TrainingBackend, useNative } from './backend';
import { buildModel, type TfModel } from './build-model';
import { applyStep, lossAndGradients, parameterCount, predict, readWeights, stateRanges, writeWeights } from './gradients';
import type { LossKind } from './loss';
import { ParallelTrainer } from './parallel';

export interface Trainer {
  readonly backend: TrainingBackend;
  /** Worker threads computing gradients; 0 when they are computed in this thread. */
  readonly workers: number;
  readonly optimizer: Adam;
  /** The current weights, flat, in `describeModel` order; write into it to load weights. */
  readonly weights: Float32Array;
  /**
   * One optimiser step on `rows` examples, x: [rows, samples, channels], y: [rows, classes]
   * (vote distributions); resolves with the batch's mean loss before the step.
   */
  step(x: Float32Array, y: Float32Array, rows: number, loss?: LossKind): Promise<number>;
  /** Class probabilities [rows, classes] of the current weights, in inference mode. */
  predict(x: Float32Array, rows: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface TrainerOptions {
  spec: ModelSpec;
  /** Seed of the initial weights: the same seed gives the same weights on every backend. */
  seed?: number;
  adam?: AdamOptions;
  /** Largest batch `step` or `predict` will get (sizes the shared buffers of worker threads). */
  maxBatch: number;
  /** Worker threads for wasm; all cores when absent. */
  workers?: number;
  /** false: skip the native TensorFlow binding even when it is installed. */
  native?: boolean;
}

export class LocalTrainer implements Trainer {
  readonly workers = 0;
  readonly optimizer: Adam;
  readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly state: [number, number][];

  constructor(
    readonly backend: TrainingBackend,
    private readonly model: TfModel,
    adam: AdamOptions = { lr: 1e-3 },
  ) {
    const size = parameterCount(model);
    this.weights = new Float32Array(size);
    this.grads = new Float32Array(size);
    this.optimizer = new Adam(size, adam);
    this.state = stateRanges(model);
    readWeights(model, this.weights);
  }

  async step(x: Float32Array, y: Float32Array, rows: number, loss: LossKind = 'kl'): Promise<number> {
    writeWeights(this.model, this.weights);
    const value = lossAndGradients(this.model, x, y, rows, rows, this.grads, loss);
    applyStep(this.optimizer, this.weights, this.grads, this.state);
    return value;
  }

  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    writeWeights(this.model, this.weights);
    return predict(this.model, x, rows);
  }

  async close(): Promise<void> {
    this.model.dispose();
  }
}

export async function startTrainer(options: TrainerOptions): Promise<Trainer> {
  const { spec, seed = 0, adam, maxBatch, native = true } = options;
  const backend = native ? await useNative() : null;
  if (backend) return new LocalTrainer(backend, buildModel(spec, seed), adam);
  return ParallelTrainer.start({ spec, seed, adam, maxBatch, workers: options.workers ?? availableParallelism() });
}
