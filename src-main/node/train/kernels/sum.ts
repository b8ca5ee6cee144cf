/**
 * Sum for the wasm backend when it adds up everything but the last axis — a bias gradient, e.g.
 * [32,1,2000,32] → [32] on the reference net — as a gemm row (ones · dy, the ones being a single
 * 1.0 read with stride 0): 6.9 → 0.8 ms, where the stock kernel first transposes the reduced axes
 * to the end. Other sums keep the stock kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelConfig, type KernelFunc, Sum, type SumAttrs, type SumInputs, type TensorInfo, util } from '@tensorflow/tfjs';
import { gemm, gemmSupported } from './gemm';
import { address, callStock, wasmMemory } from './wasm-call';

const one = new WeakMap<BackendWasm, TensorInfo>();

function sum(args: { inputs: SumInputs; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  const columns = x.shape[rank - 1];
  const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
  if (!allButLast || x.dtype !== 'float32' || !gemmSupported(columns)) return callStock(backend, Sum, inputs, attrs);

  let ones = one.get(backend);
  if (!ones) one.set(backend, (ones = backend.makeOutput([1], 'float32', undefined, new Float32Array([1]))));
  const rows = util.sizeFromShape(x.shape) / columns;
  const product = gemm(wasmMemory(backend), { k: rows, n: columns, aRow: 1, aK: 0, bK: columns, cRow: columns, epilogue: 'set' });
  const out = backend.makeOutput(attrs.keepDims ? [...new Array<number>(rank - 1).fill(1), columns] : [columns], 'float32');
  product(address(backend, ones), address(backend, x), address(backend, out), 1);
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
