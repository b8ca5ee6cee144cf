/**
 * One step's arithmetic on the current backend, shared by in-thread training and every worker:
 * with the model's variables loaded from the flat weight vector (`writeWeights`, build-model.ts),
 * loss and gradients out into another vector of the same layout. Batch-norm running statistics
 * live in the flat vector too, and in their slots of the gradient vector a step writes this
 * slice's share of the batch statistics instead (see `applyStep`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Adam } from './adam';
import type { TfModel } from './build-model';
import { LOSSES, type LossKind } from './loss';

/**
 * Loss and gradients of `rows` examples (x: [rows, samples, channels], y: [rows, classes]) as a
 * share of a batch of `batchRows`: the shares of all slices add up to the batch's.
 */
export function lossAndGradients(model: TfModel, x: Float32Array, y: Float32Array, rows: number, batchRows: number, grads: Float32Array, loss: LossKind = 'kl'): number {
  const { samples, channels } = model.spec.input;
  const xt = tf.tensor3d(x, [rows, samples, channels]);
  const yt = tf.tensor2d(y, [rows, y.length / rows]);
  let batchStats: tf.Tensor[] = [];
  const { value, grads: byName } = tf.variableGrads(() => {
    const pass = model.train(xt);
    batchStats = pass.batchStats;
    return LOSSES[loss](pass.logits, yt, batchRows);
  }, model.trainable);
  let offset = 0;
  let stat = 0;
  for (const v of model.variables) {
    const slot = grads.subarray(offset, offset + v.size);
    if (v.trainable) slot.set(byName[v.name].dataSync() as Float32Array);
    else {
      const share = batchStats[stat++].dataSync();
      for (let i = 0; i < slot.length; i++) slot[i] = (share[i] * rows) / batchRows;
    }
    offset += v.size;
  }
  const lossValue = value.dataSync()[0];
  tf.dispose([xt, yt, value, Object.values(byName), batchStats]);
  return lossValue;
}

/** Class probabilities (softmax) of `rows` examples, in inference mode. */
export function predict(model: TfModel, x: Float32Array, rows: number): Float32Array {
  const { samples, channels } = model.spec.input;
  return tf.tidy(() => tf.softmax(model.apply(tf.tensor3d(x, [rows, samples, channels]))).dataSync() as Float32Array);
}

/** [begin, end) ranges of the flat vector that hold running statistics, not trainable weights. */
export function stateRanges(model: Pick<TfModel, 'description'>): [number, number][] {
  const ranges: [number, number][] = [];
  let offset = 0;
  for (const w of model.description.layers.flatMap((l) => l.weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (!w.trainable) ranges.push([offset, offset + size]);
    offset += size;
  }
  return ranges;
}

/** PyTorch's batch-norm momentum: running ← 0.9 · running + 0.1 · batch. */
export const BATCH_NORM_MOMENTUM = 0.1;

/**
 * Applies a summed gradient vector: running statistics move toward the batch's, then Adam steps
 * the rest (a zero gradient leaves a weight exactly where it is, so Adam never moves the state).
 */
export function applyStep(optimizer: Adam, weights: Float32Array, grads: Float32Array, state: [number, number][]): void {
  for (const [begin, end] of state) {
    for (let i = begin; i < end; i++) {
      weights[i] += BATCH_NORM_MOMENTUM * (grads[i] - weights[i]);
      grads[i] = 0;
    }
  }
  optimizer.step(weights, grads);
}
