import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useWasm } from '../backend';

describe('Identity on wasm', () => {
  it('shares the data, which outlives the disposed input', async () => {
    await useWasm();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const before = tf.memory().numBytes;
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    x.dispose();
    expect(y.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tf.memory().numBytes).toBe(before);
    y.dispose();
  });
});
