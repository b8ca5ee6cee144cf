import { backend_util } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelError } from './against-cpu.test-support';
import type { Shape4 } from './wasm-call';

type Pad = 'same' | 'valid';

/**
 * Stride-1 conv1d with in channels a multiple of 4 takes the gemm path; other stride-1 shapes the
 * forward-Conv2D path; strided ones the stock kernel, which must still serve them.
 */
const CASES: { what: string; x: Shape4; filter: Shape4; strides: [number, number]; pad: Pad }[] = [
  { what: 'gemm: reference conv2 (k7 same)', x: [3, 1, 40, 32], filter: [1, 7, 32, 8], strides: [1, 1], pad: 'same' },
  { what: 'gemm: reference conv3 class (k7 same, Ci = Co)', x: [2, 1, 25, 16], filter: [1, 7, 16, 16], strides: [1, 1], pad: 'same' },
  { what: 'gemm: k5 valid, 12 in channels (8 + 4 columns)', x: [2, 1, 37, 12], filter: [1, 5, 12, 6], strides: [1, 1], pad: 'valid' },
  { what: 'gemm: even kernel k4 same (asymmetric padding)', x: [2, 1, 33, 4], filter: [1, 4, 4, 5], strides: [1, 1], pad: 'same' },
  { what: 'Conv2D path: k7 same, 6 in channels', x: [3, 1, 40, 6], filter: [1, 7, 6, 8], strides: [1, 1], pad: 'same' },
  { what: 'Conv2D path: k5 valid', x: [2, 1, 37, 3], filter: [1, 5, 3, 6], strides: [1, 1], pad: 'valid' },
  { what: 'Conv2D path: 2-D 3×3 same', x: [2, 6, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { what: 'Conv2D path: 2-D 2×3 valid', x: [2, 5, 8, 2], filter: [2, 3, 2, 3], strides: [1, 1], pad: 'valid' },
  { what: 'stock kernel: k4 s4 valid', x: [2, 1, 50, 4], filter: [1, 4, 4, 6], strides: [1, 4], pad: 'valid' },
  { what: 'stock kernel: k7 s2 same', x: [2, 1, 41, 4], filter: [1, 7, 4, 4], strides: [1, 2], pad: 'same' },
];

describe('Conv2DBackpropInput on wasm', () => {
  for (const c of CASES) {
    it(`equals the cpu backend: ${c.what}`, async () => {
      const dy = backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
      const { error, length } = await kernelError('Conv2DBackpropInput', {
        inputs: { dy: { shape: dy }, filter: { shape: c.filter } },
        attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
      });
      expect(length).toBe(c.x.reduce((a, b) => a * b, 1));
      expect(error).toBeLessThan(1e-5);
    });
  }
});
