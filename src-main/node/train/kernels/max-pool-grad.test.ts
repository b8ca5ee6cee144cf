import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelError, randn } from './against-cpu.test-support';
import type { Shape4 } from './wasm-call';

type Pad = 'same' | 'valid';

/** The pooled maxima, computed on cpu: MaxPoolGrad takes the forward output as an input. */
async function maxPool(x: Float32Array, shape: Shape4, size: [number, number], strides: [number, number], pad: Pad): Promise<Float32Array> {
  await tf.setBackend('cpu');
  return tf.tidy(() => tf.maxPool(tf.tensor4d(x, shape), size, strides, pad).dataSync() as Float32Array);
}

/**
 * Windows tiling the time axis with channels a multiple of 4 take the SIMD path (the reference
 * net's pools), the rest the scalar one — including the overlapping and padded windows the stock
 * wasm kernel gets wrong. ReLU outputs make ties: the first position of a window wins.
 */
const CASES: { what: string; x: Shape4; size: [number, number]; strides: [number, number]; pad: Pad; relu?: boolean }[] = [
  { what: 'SIMD: maxPool1d 4 over conv1d output', x: [3, 1, 40, 8], size: [1, 4], strides: [1, 4], pad: 'valid' },
  { what: 'SIMD: width not a multiple of the pool', x: [2, 1, 43, 12], size: [1, 4], strides: [1, 4], pad: 'valid' },
  { what: 'SIMD: after ReLU, ties at zero', x: [2, 1, 40, 4], size: [1, 4], strides: [1, 4], pad: 'valid', relu: true },
  { what: 'SIMD: pool 2, several rows', x: [2, 3, 10, 4], size: [1, 2], strides: [1, 2], pad: 'valid' },
  { what: 'scalar: 5 channels', x: [3, 1, 40, 5], size: [1, 4], strides: [1, 4], pad: 'valid' },
  { what: 'scalar: after ReLU, ties at zero', x: [2, 1, 40, 3], size: [1, 4], strides: [1, 4], pad: 'valid', relu: true },
  { what: 'scalar: 2-D 2×2 tiles', x: [2, 6, 8, 3], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { what: 'scalar: overlapping windows', x: [2, 1, 30, 4], size: [1, 3], strides: [1, 2], pad: 'valid' },
  { what: 'scalar: same padding', x: [2, 1, 30, 4], size: [1, 4], strides: [1, 4], pad: 'same' },
];

describe('MaxPoolGrad on wasm', () => {
  for (const c of CASES) {
    it(`equals the cpu backend: ${c.what}`, async () => {
      const x = randn(
        c.x.reduce((a, b) => a * b, 1),
        7,
      ).map((v) => (c.relu ? Math.max(v, 0) : v));
      const y = await maxPool(x, c.x, c.size, c.strides, c.pad);
      const dy = backend_util.computePool2DInfo(c.x, c.size, c.strides, 1, c.pad).outShape;
      const { error, length } = await kernelError('MaxPoolGrad', {
        inputs: { dy: { shape: dy }, input: { shape: c.x, values: x }, output: { shape: dy, values: y } },
        attrs: { filterSize: c.size, strides: c.strides, pad: c.pad },
      });
      expect(length).toBe(x.length);
      expect(error).toBeLessThan(1e-5);
    });
  }
});
