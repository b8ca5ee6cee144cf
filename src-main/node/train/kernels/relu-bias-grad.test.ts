import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useWasm } from '../backend';
import { randn } from './against-cpu.test-support';
import { ReluBiasGrad } from './relu-bias-grad';

/** What the kernel replaces, on the cpu backend: Step, Multiply, Sum. */
async function reference(dy: Float32Array, y: Float32Array, shape: number[]) {
  await tf.setBackend('cpu');
  return tf.tidy(() => {
    const dz = tf.mul(tf.tensor(dy, shape), tf.step(tf.tensor(y, shape)));
    return [dz.dataSync(), tf.sum(dz, [...shape.keys()].slice(0, -1)).dataSync()];
  });
}

describe('ReluBiasGrad on wasm', () => {
  for (const shape of [
    [3, 1, 50, 8],
    [2, 1, 9, 20],
    [4, 1, 11, 6],
  ]) {
    it(`equals Step · Multiply, then Sum, on cpu: [${shape}]${shape[3] % 4 ? ' (scalar path)' : ''}`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const dy = randn(n, 1);
      // ReLU outputs: zeros (a quarter of them exact) and positives.
      const y = randn(n, 2).map((v) => Math.max(v + 0.3, 0));
      const [dz, bias] = await reference(dy, y, shape);
      await useWasm();
      const [gotDz, gotBias] = tf.tidy(() => (tf.engine().runKernel(ReluBiasGrad, { dy: tf.tensor(dy, shape), y: tf.tensor(y, shape) }) as tf.Tensor[]).map((t) => t.dataSync()));
      const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
      expect(maxDiff(gotDz, dz)).toBe(0);
      expect(maxDiff(gotBias, bias)).toBeLessThan(1e-5);
    });
  }
});
