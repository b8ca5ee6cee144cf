/**
 * The gradient of FusedConv2D with bias and no or ReLU activation, so that a model can run each
 * convolution as one fused kernel and still train (tfjs-core only gives gradients to its
 * `fused.conv2d` op, whose custom gradient always computes the input gradient, even of the first
 * layer, where nobody needs it — as much work as that layer's forward pass). Here each input's gradient is
 * computed only when backpropagation asks for it. Backend-neutral: it is built from standard
 * kernels, so it serves wasm, cpu and the native binding alike, and takes our one-pass ReLU and
 * bias gradient where the backend has it.
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, type FusedConv2DAttrs, type GradConfig, type NamedAttrMap } from '@tensorflow/tfjs';
import { ReluBiasGrad } from './relu-bias-grad';

export const fusedConv2dGradConfig: GradConfig = {
  kernelName: FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as tf.Tensor4D[];
    const { strides, pad, dataFormat, dimRoundingMode, dilations, activation } = attrs as unknown as FusedConv2DAttrs;
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`FusedConv2D gradients support linear and relu activations, not ${activation}`);
    if (!tf.backend_util.tupleValuesAreOne(dilations)) throw new Error('FusedConv2D gradients need dilation 1');
    const dyOut = dy as tf.Tensor;
    const onePass = activation === 'relu' && tf.getKernel(ReluBiasGrad, tf.getBackend()) !== undefined;
    const [dyAct, dBias]: [tf.Tensor, tf.Tensor | null] = onePass
      ? (tf.engine().runKernel(ReluBiasGrad, { dy: dyOut, y }) as [tf.Tensor, tf.Tensor])
      : [activation === 'relu' ? tf.mul(dyOut, tf.step(y)) : dyOut, null];
    const backprop = { strides, pad, dataFormat, dimRoundingMode } as unknown as NamedAttrMap;
    return {
      x: () => tf.engine().runKernel(Conv2DBackpropInput, { dy: dyAct, filter }, { ...backprop, inputShape: x.shape }) as tf.Tensor,
      filter: () => tf.engine().runKernel(Conv2DBackpropFilter, { x, dy: dyAct }, { ...backprop, filterShape: filter.shape }) as tf.Tensor,
      bias: () => dBias ?? tf.sum(dyAct, [0, 1, 2]),
    };
  },
};
