/**
 * A `ModelSpec` made runnable in tfjs: one variable per weight of `describeModel`, in its order
 * (the flat parameter vector the optimiser and the workers share follows it too), and a forward
 * pass from [batch, samples, channels] to logits. Sequences stay 4-D, [batch, 1, samples,
 * channels], so every conv and pool is one backend kernel with no reshapes between; a conv1d layer
 * is one FusedConv2D (convolution, bias and activation in one pass) whose gradient we register.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedConv2D } from '@tensorflow/tfjs';
import { describeModel, type LayerShape, type ModelDescription, type ModelSpec } from '../../core/models';
import { registerTrainingGradients } from './kernels/register';

export interface TfModel {
  spec: ModelSpec;
  description: ModelDescription;
  variables: tf.Variable[];
  /** [batch, samples, channels] → logits [batch, classes]. */
  apply(x: tf.Tensor3D): tf.Tensor2D;
  dispose(): void;
}

/** Weights drawn as PyTorch's defaults draw them, U(±1/√fan-in), from `seed`. */
export function buildModel(spec: ModelSpec, seed = 0): TfModel {
  registerTrainingGradients();
  const description = describeModel(spec);
  const variables: tf.Variable[] = [];
  const layers = description.layers.map((shape) => {
    const fanIn = shape.weights.length ? shape.weights[0].shape.slice(0, -1).reduce((a, b) => a * b, 1) : 0;
    const vars = shape.weights.map((w) => {
      const bound = 1 / Math.sqrt(fanIn);
      // Unnamed: tfjs names must be unique, and a spec may be built more than once.
      const v = tf.tidy(() => tf.variable(tf.randomUniform(w.shape, -bound, bound, 'float32', seed + variables.length)));
      variables.push(v);
      return v;
    });
    return { shape, vars };
  });
  return {
    spec,
    description,
    variables,
    apply: (x) =>
      tf.tidy(() => {
        let h: tf.Tensor = x.reshape([x.shape[0], 1, x.shape[1], x.shape[2]]);
        for (const { shape, vars } of layers) h = applyLayer(shape, vars, h);
        return h as tf.Tensor2D;
      }),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

function applyLayer({ layer }: LayerShape, vars: tf.Variable[], h: tf.Tensor): tf.Tensor {
  switch (layer.kind) {
    case 'conv1d': {
      const [kernel, bias] = vars;
      const [k, cin, cout] = kernel.shape;
      const filter = kernel.reshape([1, k, cin, cout]);
      const attrs = { strides: [1, layer.stride ?? 1], pad: layer.padding, dataFormat: 'NHWC', dilations: [1, 1], activation: layer.activation };
      return tf.engine().runKernel(FusedConv2D, { x: h, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    }
    case 'maxPool1d':
      return tf.maxPool(h as tf.Tensor4D, [1, layer.size], [1, layer.size], 'valid');
    case 'globalAvgPool1d':
      return tf.mean(h, [1, 2]);
    case 'dense': {
      const [kernel, bias] = vars;
      const y = tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D).add(bias);
      return layer.activation === 'relu' ? tf.relu(y) : y;
    }
  }
}
