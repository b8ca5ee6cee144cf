/**
 * Dropout masks for the training graph, drawn exactly as the tfjs engine draws them
 * (`tf.dropout`: floor(u + keep) / keep, u uniform from a seed mixed of the run's seed, the
 * worker's stream, the count of training passes and the layer's index), so that a run on
 * onnxruntime and one on tfjs see the same masks for the same seed.
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeed } from '../build-model';
import type { DropoutMask } from './compile';

/** Each mask, [rows · split, …shape] flat, for training pass `pass` (counted from 1). */
export function drawMasks(masks: readonly DropoutMask[], rows: number, seed: number, pass: number, stream = 0): Float32Array[] {
  return masks.map(({ index, rate, shape, split }) => {
    const size = rows * split * shape.reduce((a, b) => a * b, 1);
    const keep = 1 - rate;
    return tf.tidy(() =>
      tf
        .floor(tf.randomUniform([size], 0, 1, 'float32', mixSeed(seed, stream, pass, index)).add(keep))
        .div(keep)
        .dataSync(),
    ) as Float32Array;
  });
}
