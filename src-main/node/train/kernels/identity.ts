/**
 * Identity for the wasm backend as the `cpu` backend does it: the output shares the input's data.
 * tfjs clones every tensor it saves for backpropagation through Identity, and the stock wasm
 * kernel copies — 4.5 ms a step on the reference net. Sharing is safe because no kernel writes
 * into its inputs (a variable's assign swaps its data, it does not overwrite it).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Identity, type IdentityInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { callStock } from './wasm-call';

function identity(args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string') return callStock(backend, Identity, inputs, {});
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
