/**
 * The `Trainer`s: `OrtTrainer` (ort/ort-trainer.ts) runs a training graph compiled from the model
 * on onnxruntime; on tfjs, `LocalTrainer` on the current backend in this thread (the native binding
 * uses every core by itself), and `ParallelTrainer` (parallel.ts) across worker threads, for wasm.
 * `startTrainer` picks: onnxruntime unless tfjs is asked for or the model needs it (LSTM); on
 * tfjs, the native binding if it loads, else wasm workers.
 */
import { availableParallelism } from 'node:os';
import type { ModelSpec } from '../../core/models';
import { type BackendInfo, DEFAULT_ENGINE, type TrainDevice, type TrainEngine } from '../../core/training';
import { Adam, type AdamOptions } from './adam';
import { useNative } from './backend';
import { buildModel, parameterCount, readWeights, type TfModel, writeWeights } from './build-model';
import { applyStep, lossAndGradients, predict, stateRanges } from './gradients';
import type { LossKind } from './loss';
import { unsupportedReason } from './ort/compile';
import { OrtTrainer } from './ort/ort-trainer';
import { ParallelTrainer } from './parallel';
import type { Trainer } from './trainer-interface';

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
  /** `DEFAULT_ENGINE` when absent. */
  engine?: TrainEngine;
  /** Where onnxruntime trains; the CPU when absent. */
  device?: TrainDevice;
}

export class LocalTrainer implements Trainer {
  readonly workers = 0;
  readonly optimizer: Adam;
  readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly state: [number, number][];

  constructor(
    readonly backend: BackendInfo,
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
  const { spec, seed = 0, adam, engine = DEFAULT_ENGINE } = options;
  if (engine === 'tfjs') return startTfjs(options);
  const reason = unsupportedReason(spec);
  if (!reason) return OrtTrainer.start({ spec, seed, adam, device: options.device });
  const trainer = await startTfjs(options);
  // The run reports why it is not on the engine asked for; the backend object is the trainer's own.
  trainer.backend.fallback = reason;
  return trainer;
}

async function startTfjs(options: TrainerOptions): Promise<Trainer> {
  const { spec, seed = 0, adam, maxBatch, native = true } = options;
  const backend = native ? await useNative() : null;
  if (backend) return new LocalTrainer(backend, buildModel(spec, seed), adam);
  return ParallelTrainer.start({ spec, seed, adam, maxBatch, workers: options.workers ?? availableParallelism() });
}
