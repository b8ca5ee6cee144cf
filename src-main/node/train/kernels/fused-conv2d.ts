/**
 * FusedConv2D (convolution + bias + activation) for the wasm backend: conv1d shapes with a bias
 * and no or ReLU activation run on our gemm with the bias and ReLU applied as each tile is stored
 * (conv1d.ts), about twice XNNPACK's speed on the reference net; everything else keeps the stock
 * kernel. Our models run every conv1d through this kernel (see build-model.ts).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, FusedConv2D, type FusedConv2DAttrs, type FusedConv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { conv1dForward, conv1dOf } from './conv1d';
import { callStock, type Shape4 } from './wasm-call';

function fusedConv2d(args: { inputs: FusedConv2DInputs; backend: BackendWasm; attrs: FusedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs;
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, format);
  const c = conv1dOf(info);
  const plainBias = bias && bias.shape.length === 1 && bias.shape[0] === info.outChannels;
  const ours = c && plainBias && !preluActivationWeights && (attrs.activation === 'relu' || attrs.activation === 'linear');
  return (ours && conv1dForward(backend, c, x, filter, bias, attrs.activation === 'relu')) || callStock(backend, FusedConv2D, inputs, attrs);
}

export const fusedConv2dConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'wasm',
  kernelFunc: fusedConv2d as unknown as KernelFunc,
};
