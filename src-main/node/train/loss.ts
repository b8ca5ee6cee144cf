/**
 * Training losses over a batch slice, each divided by `batchRows` — the whole batch's size — so
 * that workers holding slices of a batch return losses and gradients that add up to the full
 * batch's mean.
 * - `kl`: Kullback–Leibler divergence of the softmax of the logits from the vote distribution,
 *   KL(t ‖ p) = Σ t·(log t − log p) with 0·log 0 = 0 — the competition's metric.
 * - `mse`: the notebook's pre-training stage, squared error of the softmax against the votes,
 *   averaged over rows and classes as PyTorch's `MSELoss` does.
 */
import * as tf from '@tensorflow/tfjs';

export type LossKind = 'kl' | 'mse';

export function klLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, batchRows: number): tf.Scalar {
  return tf.tidy(() => {
    const entropy = tf.where(targets.greater(0), targets.mul(targets.log()), tf.zerosLike(targets));
    return entropy
      .sub(targets.mul(tf.logSoftmax(logits)))
      .sum()
      .div(batchRows);
  });
}

export function mseLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, batchRows: number): tf.Scalar {
  return tf.tidy(() =>
    tf
      .softmax(logits)
      .sub(targets)
      .square()
      .sum()
      .div(batchRows * targets.shape[1]),
  );
}

export const LOSSES: Record<LossKind, typeof klLoss> = { kl: klLoss, mse: mseLoss };
