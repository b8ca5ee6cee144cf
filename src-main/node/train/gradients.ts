/**
 * One step's arithmetic on the current backend, shared by in-thread training and every worker:
 * weights in from the flat parameter vector, loss and gradients out into another one. The flat
 * vector holds the model's variables back to back, in `describeModel` order.
 */
import * as tf from '@tensorflow/tfjs';
import type { TfModel } from './build-model';
import { klLoss } from './loss';

export function parameterCount(model: TfModel): number {
  return model.variables.reduce((n, v) => n + v.size, 0);
}

export function readWeights(model: TfModel, into: Float32Array): void {
  let offset = 0;
  for (const v of model.variables) {
    into.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
}

export function writeWeights(model: TfModel, from: Float32Array): void {
  let offset = 0;
  for (const v of model.variables) {
    tf.tidy(() => v.assign(tf.tensor(from.subarray(offset, offset + v.size), v.shape)));
    offset += v.size;
  }
}

/**
 * Loss and gradients of `rows` examples (x: [rows, samples, channels], y: [rows, classes]) as a
 * share of a batch of `batchRows`: the shares of all slices add up to the batch's mean.
 */
export function lossAndGradients(model: TfModel, x: Float32Array, y: Float32Array, rows: number, batchRows: number, grads: Float32Array): number {
  const { samples, channels } = model.spec.input;
  const xt = tf.tensor3d(x, [rows, samples, channels]);
  const yt = tf.tensor2d(y, [rows, y.length / rows]);
  const { value, grads: byName } = tf.variableGrads(() => klLoss(model.apply(xt), yt, batchRows), model.variables);
  let offset = 0;
  for (const v of model.variables) {
    grads.set(byName[v.name].dataSync() as Float32Array, offset);
    offset += v.size;
  }
  const loss = value.dataSync()[0];
  tf.dispose([xt, yt, value, Object.values(byName)]);
  return loss;
}
