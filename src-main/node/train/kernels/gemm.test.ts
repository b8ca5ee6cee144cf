import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../core/random';
import { type Epilogue, gemm, type GemmPlan } from './gemm';
import { hasRelaxedSimd } from './wasm-asm';

/** C = A·B (+ epilogue) in doubles, reading A, B and C through the plan's strides. */
function reference(heap: Float32Array, plan: GemmPlan, at: { a: number; b: number; c: number; bias: number }, rows: number): Float64Array {
  const out = new Float64Array(rows * plan.n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < plan.n; j++) {
      let v = 0;
      for (let k = 0; k < plan.k; k++) v += heap[at.a + i * plan.aRow + k * plan.aK] * heap[at.b + k * plan.bK + j];
      if (plan.epilogue === 'add') v += heap[at.c + i * plan.cRow + j];
      if (plan.epilogue === 'bias' || plan.epilogue === 'biasRelu') v += heap[at.bias + j];
      out[i * plan.n + j] = plan.epilogue === 'biasRelu' ? Math.max(v, 0) : v;
    }
  }
  return out;
}

const PLANS: { what: string; rows: number; plan: GemmPlan }[] = [
  { what: 'conv1d forward layout, 4-row tiles + 1 row', rows: 9, plan: { k: 21, n: 8, aRow: 3, aK: 1, bK: 8, cRow: 8, epilogue: 'set' } },
  { what: 'filter-gradient layout (rows 1 apart, k strided), 12 columns', rows: 6, plan: { k: 17, n: 12, aRow: 1, aK: 5, bK: 12, cRow: 12, epilogue: 'set' } },
  { what: 'add into C, 3 rows, 4 columns', rows: 3, plan: { k: 10, n: 4, aRow: 7, aK: 2, bK: 4, cRow: 6, epilogue: 'add' } },
  { what: 'bias, 20 columns (two blocks of 8 and one of 4)', rows: 7, plan: { k: 9, n: 20, aRow: 9, aK: 1, bK: 24, cRow: 20, epilogue: 'bias' } },
  { what: 'bias and ReLU', rows: 5, plan: { k: 13, n: 16, aRow: 13, aK: 1, bK: 16, cRow: 16, epilogue: 'biasRelu' } },
  { what: 'one row with an A stride of 0 (a column sum)', rows: 1, plan: { k: 50, n: 8, aRow: 1, aK: 0, bK: 8, cRow: 8, epilogue: 'set' } },
];

function check(fma: boolean) {
  for (const { what, rows, plan } of PLANS) {
    it(what, () => {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const heap = new Float32Array(memory.buffer);
      const rng = new Random(plan.k * 31 + rows);
      for (let i = 0; i < 8192; i++) heap[i] = rng.normal();
      const at = { a: 16, b: 3000, c: 5000, bias: 7000 };
      const expected = reference(heap, plan, at, rows);
      const before = heap.slice(0, 8192);
      gemm(memory, plan, fma)(at.a * 4, at.b * 4, at.c * 4, rows, at.bias * 4);
      let error = 0;
      const written = new Set<number>();
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < plan.n; j++) {
          written.add(at.c + i * plan.cRow + j);
          error = Math.max(error, Math.abs(heap[at.c + i * plan.cRow + j] - expected[i * plan.n + j]));
        }
      }
      expect(error).toBeLessThan(1e-5 * Math.max(1, ...expected.map(Math.abs)));
      const strays = before.filter((v, i) => !written.has(i) && heap[i] !== v).length;
      expect(strays, 'values changed outside C').toBe(0);
    });
  }
}

describe('gemm with multiply then add', () => check(false));

describe('gemm with relaxed-SIMD FMA', () => {
  if (!hasRelaxedSimd()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  check(true);
});

describe('gemm plans', () => {
  it('refuses a column count that is not a multiple of 4', () => {
    const plan: GemmPlan = { k: 2, n: 6, aRow: 1, aK: 1, bK: 6, cRow: 6, epilogue: 'set' as Epilogue };
    expect(() => gemm(new WebAssembly.Memory({ initial: 1 }), plan)).toThrow('gemm needs a multiple of 4 columns, got 6');
  });
});
