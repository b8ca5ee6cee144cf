/**
 * Conv2DBackpropFilter for the wasm backend, which has none. Conv1d shapes go to our gemm
 * (conv1d.ts). Otherwise the filter gradient
 * dW[i,j,ci,co] = Σ_{b,oh,ow} x[b, oh·sh + i − top, ow·sw + j − left, ci] · dy[b,oh,ow,co]
 * is itself a forward convolution: x as [Ci,H,W,B] (batch Ci, channels B) convolved with dy as a
 * [Ho,Wo,B,Co] filter dilated by the stride, giving [Ci,kh,kw,Co] — the backend's SIMD Conv2D
 * rather than a scalar loop.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { conv1dFilterGrad, conv1dOf } from './conv1d';
import { call, free, type Shape4, transpose } from './wasm-call';

function conv2dBackpropFilter(args: { inputs: Conv2DBackpropFilterInputs; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const c = conv1dOf(info);
  const viaGemm = c && conv1dFilterGrad(backend, c, x, dy);
  if (viaGemm) return viaGemm;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo } = info;
  const { top, left } = info.padInfo;
  // The far-side padding that makes the output exactly kh × kw; negative when a 'valid'
  // convolution's stride leaves trailing input rows unused, which are then cut off instead.
  const bottom = kh + (ho - 1) * sh - info.inHeight - top;
  const right = kw + (wo - 1) * sw - info.inWidth - left;

  let xt = transpose(backend, x, [3, 1, 2, 0]);
  if (bottom < 0 || right < 0) {
    const cut = call(backend, 'Slice', { x: xt }, { begin: [0, 0, 0, 0], size: [-1, info.inHeight + Math.min(bottom, 0), info.inWidth + Math.min(right, 0), -1] });
    free(backend, xt);
    xt = cut;
  }
  const dyt = transpose(backend, dy, [1, 2, 0, 3]);
  const conv = call(
    backend,
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    },
  );
  free(backend, xt, dyt);
  const dw = transpose(backend, conv, [1, 2, 0, 3]);
  free(backend, conv);
  return dw;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
