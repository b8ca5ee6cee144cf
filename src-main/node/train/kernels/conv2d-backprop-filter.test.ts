import { backend_util } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelError } from './against-cpu.test-support';
import type { Shape4 } from './wasm-call';

type Pad = 'same' | 'valid';

/**
 * Conv1d as tfjs runs it (H = 1): out channels that are a multiple of 4 take the gemm path, the
 * others (and true 2-D) the transposed forward-Conv2D path. Strides, both paddings, even kernels.
 */
const CASES: { what: string; x: Shape4; filter: Shape4; strides: [number, number]; pad: Pad }[] = [
  { what: 'gemm: reference conv1 (k7 same, Ci 18)', x: [3, 1, 60, 18], filter: [1, 7, 18, 8], strides: [1, 1], pad: 'same' },
  { what: 'gemm: 300 positions, reduced in chunks of 128', x: [2, 1, 300, 5], filter: [1, 7, 5, 8], strides: [1, 1], pad: 'same' },
  { what: 'gemm: reference conv2 class (k7 same)', x: [2, 1, 40, 8], filter: [1, 7, 8, 16], strides: [1, 1], pad: 'same' },
  { what: 'gemm: k5 valid, 12 out channels (8 + 4 columns)', x: [2, 1, 37, 3], filter: [1, 5, 3, 12], strides: [1, 1], pad: 'valid' },
  { what: 'gemm: even kernel k4 same (asymmetric padding)', x: [2, 1, 33, 5], filter: [1, 4, 5, 4], strides: [1, 1], pad: 'same' },
  { what: 'gemm: ConvLSTM stem k4 s4 valid, width not a multiple', x: [2, 1, 50, 19], filter: [1, 4, 19, 8], strides: [1, 4], pad: 'valid' },
  { what: 'gemm: k7 s2 same', x: [2, 1, 41, 3], filter: [1, 7, 3, 4], strides: [1, 2], pad: 'same' },
  { what: 'Conv2D path: k5 valid, 6 out channels', x: [2, 1, 37, 3], filter: [1, 5, 3, 6], strides: [1, 1], pad: 'valid' },
  { what: 'Conv2D path: k4 s4 valid, width not a multiple', x: [2, 1, 50, 4], filter: [1, 4, 4, 6], strides: [1, 4], pad: 'valid' },
  { what: 'Conv2D path: k3 s3 valid, trailing input unused', x: [2, 1, 29, 2], filter: [1, 3, 2, 3], strides: [1, 3], pad: 'valid' },
  { what: 'Conv2D path: 2-D 3×3 same', x: [2, 6, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { what: 'Conv2D path: 2-D 3×2 valid stride 2×1', x: [2, 9, 8, 2], filter: [3, 2, 2, 3], strides: [2, 1], pad: 'valid' },
];

describe('Conv2DBackpropFilter on wasm', () => {
  for (const c of CASES) {
    it(`equals the cpu backend: ${c.what}`, async () => {
      const dy = backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
      const { error, length } = await kernelError('Conv2DBackpropFilter', {
        inputs: { x: { shape: c.x }, dy: { shape: dy } },
        attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
      });
      expect(length).toBe(c.filter.reduce((a, b) => a * b, 1));
      expect(error).toBeLessThan(1e-5);
    });
  }
});
