/**
 * The training loss: Kullback–Leibler divergence of the softmax of the logits from the vote
 * distribution, KL(t ‖ p) = Σ t·(log t − log p) with 0·log 0 = 0, summed over rows and divided by
 * `batchRows` — the whole batch's size, so that workers holding slices of a batch return losses
 * and gradients that add up to the full batch's mean.
 */
import * as tf from '@tensorflow/tfjs';

export function klLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, batchRows: number): tf.Scalar {
  return tf.tidy(() => {
    const entropy = tf.where(targets.greater(0), targets.mul(targets.log()), tf.zerosLike(targets));
    return entropy.sub(targets.mul(tf.logSoftmax(logits))).sum().div(batchRows);
  });
}
