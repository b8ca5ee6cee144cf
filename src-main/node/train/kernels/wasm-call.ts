/**
 * How our wasm kernels reach the backend: its own kernels, called directly (no engine
 * bookkeeping) with every temporary freed as soon as it is used; the stock kernel each of ours
 * replaces, for the cases ours hand back; and its heap, where generated code works in place.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

/** A 4-D tensor's shape as tfjs's conv and pool helpers take it, where a `TensorInfo` holds `number[]`. */
export type Shape4 = [number, number, number, number];

const stock = new Map<string, KernelConfig>();

/** Runs the backend's kernel `name` (ours when we replaced it) on `inputs`. */
export function call(backend: BackendWasm, name: string, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
}

/** Runs the stock kernel that one of ours replaced. */
export function callStock(backend: BackendWasm, name: string, inputs: NamedTensorInfoMap, attrs: object): TensorInfo {
  const kernel = stock.get(name);
  if (!kernel) throw new Error(`no stock wasm ${name} kernel was kept`);
  return kernel.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
}

/** Remembers the stock kernel before ours takes its name (once: later calls keep the first). */
export function keepStock(config: KernelConfig): void {
  if (!stock.has(config.kernelName)) stock.set(config.kernelName, config);
}

export function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return call(backend, 'Transpose', { x }, { perm });
}

export function heap(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** The backend's heap as a WebAssembly.Memory, for the kernels we generate (gemm.ts). */
export function wasmMemory(backend: BackendWasm): WebAssembly.Memory {
  return (backend.wasm as unknown as { asm: { memory: WebAssembly.Memory } }).asm.memory;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function address(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}
