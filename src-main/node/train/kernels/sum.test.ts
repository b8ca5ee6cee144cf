import { describe, expect, it } from 'vitest';
import { kernelError } from './against-cpu.test-support';

/** Sums over every axis but the last with a multiple of 4 columns take the gemm path. */
const CASES: { what: string; shape: number[]; axis: number[]; keepDims?: boolean }[] = [
  { what: 'gemm: a conv1d bias gradient', shape: [3, 1, 50, 8], axis: [0, 1, 2] },
  { what: 'gemm: axes given in any order, kept', shape: [3, 1, 50, 12], axis: [2, 0, 1], keepDims: true },
  { what: 'gemm: a dense bias gradient', shape: [40, 4], axis: [0] },
  { what: 'stock: 6 columns', shape: [4, 10, 6], axis: [0, 1] },
  { what: 'stock: the last axis', shape: [4, 10, 8], axis: [2] },
  { what: 'stock: some leading axes only', shape: [4, 10, 8], axis: [0] },
];

describe('Sum on wasm', () => {
  for (const c of CASES) {
    it(`equals the cpu backend: ${c.what}`, async () => {
      const { error } = await kernelError('Sum', { inputs: { x: { shape: c.shape } }, attrs: { axis: c.axis, keepDims: c.keepDims ?? false } });
      expect(error).toBeLessThan(1e-5);
    });
  }
});
