import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useWasm } from './backend';
import { klLoss } from './loss';

describe('klLoss', () => {
  it('is Kaggle KL of the softmax, 0·log 0 = 0, divided by the whole batch', async () => {
    await useWasm();
    const logits = [
      [1, 2, 0.5],
      [0, 0, 3],
    ];
    const targets = [
      [0, 0.25, 0.75],
      [1, 0, 0],
    ];
    const expected = logits
      .map((z, r) => {
        const norm = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
        return targets[r].reduce((a, t, k) => a + (t > 0 ? t * (Math.log(t) - (z[k] - norm)) : 0), 0);
      })
      .reduce((a, b) => a + b, 0);
    const loss = tf.tidy(() => klLoss(tf.tensor2d(logits), tf.tensor2d(targets), 4).dataSync()[0]);
    expect(loss).toBeCloseTo(expected / 4, 6);
  });
});
