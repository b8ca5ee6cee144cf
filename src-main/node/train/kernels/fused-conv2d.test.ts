import { backend_util } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelError } from './against-cpu.test-support';
import type { Shape4 } from './wasm-call';

type Pad = 'same' | 'valid';

/**
 * Conv1d with a bias, no or ReLU activation and out channels a multiple of 4 runs on our gemm;
 * the rest must still reach the stock kernel.
 */
const CASES: { what: string; x: Shape4; filter: Shape4; strides: [number, number]; pad: Pad; activation: string; bias?: false }[] = [
  { what: 'gemm: reference conv1 with ReLU (k7 same)', x: [3, 1, 60, 18], filter: [1, 7, 18, 8], strides: [1, 1], pad: 'same', activation: 'relu' },
  { what: 'gemm: linear, 12 out channels', x: [2, 1, 37, 5], filter: [1, 5, 5, 12], strides: [1, 1], pad: 'valid', activation: 'linear' },
  { what: 'gemm: ConvLSTM stem k4 s4 valid, width not a multiple', x: [2, 1, 50, 19], filter: [1, 4, 19, 8], strides: [1, 4], pad: 'valid', activation: 'relu' },
  { what: 'gemm: even kernel k4 same, stride 2', x: [2, 1, 33, 3], filter: [1, 4, 3, 4], strides: [1, 2], pad: 'same', activation: 'relu' },
  { what: 'stock: 6 out channels', x: [2, 1, 30, 3], filter: [1, 7, 3, 6], strides: [1, 1], pad: 'same', activation: 'relu' },
  { what: 'stock: 2-D', x: [2, 5, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same', activation: 'relu' },
  { what: 'stock: elu activation', x: [2, 1, 30, 3], filter: [1, 7, 3, 4], strides: [1, 1], pad: 'same', activation: 'elu' },
  { what: 'stock: ReLU without a bias', x: [2, 1, 30, 3], filter: [1, 7, 3, 4], strides: [1, 1], pad: 'same', activation: 'relu', bias: false },
];

describe('FusedConv2D on wasm', () => {
  for (const c of CASES) {
    it(`equals the cpu backend: ${c.what}`, async () => {
      const out = backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
      const inputs = { x: { shape: c.x }, filter: { shape: c.filter }, ...(c.bias === false ? {} : { bias: { shape: [c.filter[3]] } }) };
      const { error, length } = await kernelError('FusedConv2D', {
        inputs,
        attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: c.activation },
      });
      expect(length).toBe(out.reduce((a, b) => a * b, 1));
      expect(error).toBeLessThan(1e-5);
    });
  }
});
