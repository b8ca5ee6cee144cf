/**
 * A `Trainer` owns a model's flat weights and its optimiser, takes one batch a step and predicts,
 * wherever the arithmetic runs: on the current backend in this thread (`LocalTrainer`, trainer.ts)
 * or split across worker threads (`ParallelTrainer`, parallel.ts). Its own module, so that either
 * implementation and `startTrainer`, which picks one, can import it without importing each other.
 */
import type { Adam } from './adam';
import type { BackendInfo } from '../../core/training';
import type { LossKind } from './loss';

export interface Trainer {
  readonly backend: BackendInfo;
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
