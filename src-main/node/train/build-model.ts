/**
 * A `ModelSpec` made runnable in tfjs: one variable per weight of `describeModel`, in its order
 * (the flat weight vector the optimiser, the workers, checkpoints and the ONNX exporter share
 * follows it too), and a forward pass from [batch, samples, channels] to logits. Sequences stay
 * 4-D, [batch, 1, samples, channels], so every conv and pool is one backend kernel with no
 * reshapes between; a conv1d layer is one FusedConv2D (convolution, bias and activation in one
 * pass) whose gradient we register.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedConv2D } from '@tensorflow/tfjs';
import { describeModel, hemisphereRows, initBound, type LayerShape, type ModelDescription, type ModelSpec } from '../../core/models';
import { registerTrainingGradients } from './kernels/register';

export const BATCH_NORM_EPSILON = 1e-5;

export interface TrainingPass {
  logits: tf.Tensor2D;
  /** Per batch-norm layer, in order: the batch's mean and unbiased variance, as PyTorch tracks them. */
  batchStats: tf.Tensor1D[];
}

export interface TfModel {
  spec: ModelSpec;
  description: ModelDescription;
  /** Every weight, trainable or not, in `describeModel` order. */
  variables: tf.Variable[];
  trainable: tf.Variable[];
  /** Inference: [batch, samples, channels] → logits [batch, classes]; dropout off, running statistics. */
  apply(x: tf.Tensor3D): tf.Tensor2D;
  /** Training: dropout on, batch statistics (returned, kept outside any tidy, for the caller to dispose). */
  train(x: tf.Tensor3D): TrainingPass;
  dispose(): void;
}

/**
 * Weights drawn as each layer asks (see `WeightSpec.init`), from `seed`. Dropout
 * masks are drawn from `seed`, `dropoutStream` (one per data-parallel worker, so their rows get
 * different masks) and the count of training passes, so the same run repeats exactly.
 */
export function buildModel(spec: ModelSpec, seed = 0, dropoutStream = 0): TfModel {
  registerTrainingGradients();
  const description = describeModel(spec);
  const variables: tf.Variable[] = [];
  const constants: tf.Tensor[] = [];
  const layers = description.layers.map((shape) => {
    const vars = shape.weights.map((w) => {
      const init = w.init;
      const bound = initBound(init);
      const value = () => (bound > 0 ? tf.randomUniform(w.shape, -bound, bound, 'float32', seed + variables.length) : init.kind === 'ones' ? tf.ones(w.shape) : tf.zeros(w.shape));
      // Unnamed: tfjs names must be unique, and a spec may be built more than once.
      const v = tf.tidy(() => tf.variable(value(), w.trainable));
      variables.push(v);
      return v;
    });
    const fixed = layerConstants(shape);
    constants.push(...fixed);
    return { shape, vars, fixed };
  });

  let trainingPasses = 0;
  const forward = (x: tf.Tensor3D, training: boolean, stats: tf.Tensor1D[]) => {
    let h: tf.Tensor = x.reshape([x.shape[0], 1, x.shape[1], x.shape[2]]);
    layers.forEach((layer, i) => (h = applyLayer(layer, h, training, stats, mixSeed(seed, dropoutStream, trainingPasses, i))));
    return h as tf.Tensor2D;
  };
  return {
    spec,
    description,
    variables,
    trainable: variables.filter((v) => v.trainable),
    apply: (x) => tf.tidy(() => forward(x, false, [])),
    train: (x) => {
      const batchStats: tf.Tensor1D[] = [];
      trainingPasses++;
      const logits = tf.tidy(() => {
        const out = forward(x, true, batchStats);
        batchStats.forEach((s) => tf.keep(s));
        return out;
      });
      return { logits, batchStats };
    },
    dispose: () => tf.dispose([...variables, ...constants]),
  };
}

/** Weights in the flat vector, which holds the model's variables back to back in `describeModel` order. */
export function parameterCount(model: TfModel): number {
  return model.variables.reduce((n, v) => n + v.size, 0);
}

/** The model's variables into the flat vector `into`. */
export function readWeights(model: TfModel, into: Float32Array): void {
  let offset = 0;
  for (const v of model.variables) {
    into.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
}

/** The flat vector `from` into the model's variables. */
export function writeWeights(model: TfModel, from: Float32Array): void {
  let offset = 0;
  for (const v of model.variables) {
    tf.tidy(() => v.assign(tf.tensor(from.subarray(offset, offset + v.size), v.shape)));
    offset += v.size;
  }
}

/** The weights `buildModel(spec, seed)` starts from, flat, in `describeModel` order (a fresh start for a run). */
export function initialWeights(spec: ModelSpec, seed: number): Float32Array {
  const model = buildModel(spec, seed);
  const weights = new Float32Array(model.description.parameters);
  readWeights(model, weights);
  model.dispose();
  return weights;
}

/**
 * A grouped convolution runs as a full one whose kernel is zero between groups: its stored kernel
 * [k, in / groups, out] tiled over the groups and multiplied by this 0/1 mask [1, in, out]. The
 * notebook's only grouped layer (19 → 76) costs 19× its grouped arithmetic this way — still
 * small next to the layer after it — and needs no extra gradient kernels.
 */
function groupedKernelMask({ layer, inputShape }: LayerShape): tf.Tensor {
  if (layer.kind !== 'conv1d') throw new Error('groupedKernelMask needs a conv1d layer');
  const groups = layer.groups ?? 1;
  const inputs = inputShape[1];
  const perIn = inputs / groups;
  const perOut = layer.filters / groups;
  const mask = new Float32Array(inputs * layer.filters);
  for (let c = 0; c < inputs; c++) for (let o = 0; o < layer.filters; o++) mask[c * layer.filters + o] = Math.floor(c / perIn) === Math.floor(o / perOut) ? 1 : 0;
  return tf.tensor3d(mask, [1, inputs, layer.filters]);
}

/**
 * One 32-bit seed from several counters (FNV-style multiply-xor). A sum such as seed · 1e9 + pass
 * stops counting passes once it passes 2^53, and every step would draw the same masks.
 */
export function mixSeed(...parts: number[]): number {
  return parts.reduce((h, p) => Math.imul(h ^ (p >>> 0) ^ Math.floor(p / 2 ** 32), 0x01000193) >>> 0, 0x811c9dc5);
}

/** What a layer multiplies by that is not a weight, made once per model: a grouped conv's mask, hemisphereSymmetric's matrices. */
function layerConstants(shape: LayerShape): tf.Tensor[] {
  if (shape.layer.kind === 'conv1d' && (shape.layer.groups ?? 1) > 1) return [groupedKernelMask(shape)];
  if (shape.layer.kind === 'hemisphereSymmetric') return hemisphereMatrices(shape);
  return [];
}

interface BuiltLayer {
  shape: LayerShape;
  vars: tf.Variable[];
  fixed: tf.Tensor[];
}

function applyLayer({ shape, vars, fixed }: BuiltLayer, h: tf.Tensor, training: boolean, stats: tf.Tensor1D[], dropoutSeed: number): tf.Tensor {
  const { layer } = shape;
  switch (layer.kind) {
    case 'scale':
      return h.mul(layer.factor);
    case 'conv1d': {
      const [kernel, bias] = vars;
      const groups = layer.groups ?? 1;
      const full = groups > 1 ? kernel.tile([1, groups, 1]).mul(fixed[0]) : kernel;
      const [k, cin, cout] = full.shape;
      const filter = full.reshape([1, k, cin, cout]);
      const [before, after] = shape.pads ?? [0, 0];
      const pad =
        layer.padding === 'same'
          ? [
              [0, 0],
              [0, 0],
              [before, after],
              [0, 0],
            ]
          : 'valid';
      const attrs = { strides: [1, layer.stride ?? 1], pad, dataFormat: 'NHWC', dilations: [1, 1], activation: layer.activation };
      return tf.engine().runKernel(FusedConv2D, { x: h, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    }
    case 'maxPool1d':
      return tf.maxPool(h as tf.Tensor4D, [1, layer.size], [1, layer.size], 'valid');
    case 'avgPool1d': {
      const [batch, , samples, channels] = h.shape;
      const length = Math.floor(samples / layer.size);
      const whole = length * layer.size === samples ? h : h.slice([0, 0, 0, 0], [batch, 1, length * layer.size, channels]);
      return whole.reshape([batch, length, layer.size, channels]).mean(2).reshape([batch, 1, length, channels]);
    }
    case 'globalAvgPool1d':
      return tf.mean(h, [1, 2]);
    case 'batchNorm': {
      const [gamma, beta, movingMean, movingVariance] = vars;
      let mean: tf.Tensor = movingMean;
      let variance: tf.Tensor = movingVariance;
      if (training) {
        const axes = h.rank === 4 ? [0, 1, 2] : [0];
        const moments = tf.moments(h, axes);
        mean = moments.mean;
        variance = moments.variance;
        const n = h.size / h.shape[h.rank - 1];
        stats.push(mean as tf.Tensor1D, variance.mul(n / Math.max(n - 1, 1)) as tf.Tensor1D);
      }
      return h.sub(mean).mul(variance.add(BATCH_NORM_EPSILON).rsqrt().mul(gamma)).add(beta);
    }
    case 'dropout':
      return training && layer.rate > 0 ? tf.dropout(h, layer.rate, undefined, dropoutSeed) : h;
    case 'flatten':
      return h.reshape([h.shape[0], h.size / h.shape[0]]);
    case 'lstm':
      return lstm(h as tf.Tensor4D, vars, layer.units, layer.returnSequences);
    case 'splitChannels': {
      const [batch, , samples, channels] = h.shape;
      return h.transpose([0, 3, 1, 2]).reshape([batch * channels, 1, samples, 1]);
    }
    case 'mergeChannels': {
      const chains = shape.outputShape[shape.outputShape.length - 1] / shape.inputShape[shape.inputShape.length - 1];
      if (h.rank === 2) return h.reshape([h.shape[0] / chains, chains * h.shape[1]!]);
      const [rows, , samples, features] = h.shape;
      return h
        .reshape([rows / chains, chains, samples, features])
        .transpose([0, 2, 1, 3])
        .reshape([rows / chains, 1, samples, chains * features]);
    }
    case 'log':
      return h.add(layer.epsilon).log();
    case 'hemisphereSymmetric':
      return hemisphereSymmetric(h as tf.Tensor2D, fixed as tf.Tensor2D[]);
    case 'dense': {
      const [kernel, bias] = vars;
      const y = tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D).add(bias);
      return layer.activation === 'relu' ? tf.relu(y) : y;
    }
  }
}

/** hemisphereSymmetric's 0/±1 rows over the chains (see `hemisphereRows`): sums, differences and, when any, the unpaired chains. */
export function hemisphereMatrices(shape: LayerShape): tf.Tensor2D[] {
  const { sums, differences, kept } = hemisphereRows(shape);
  return [sums, differences, kept].filter((rows) => rows.length).map((rows) => tf.tensor2d(rows));
}

/** Sums and absolute differences of mirror chains (see the layer's spec): constant matrix products over the chain axis. */
export function hemisphereSymmetric(h: tf.Tensor2D, [sums, differences, kept]: tf.Tensor2D[]): tf.Tensor {
  const chains = sums.shape[1];
  const [batch, size] = h.shape;
  const features = size / chains;
  // [batch, chains · features] (chain-major) → [chains, batch · features].
  const byChain = h
    .reshape([batch, chains, features])
    .transpose([1, 0, 2])
    .reshape([chains, batch * features]);
  const parts = [tf.matMul(sums, byChain), tf.matMul(differences, byChain).abs(), ...(kept ? [tf.matMul(kept, byChain)] : [])];
  return tf.concat(parts, 0).reshape([chains, batch, features]).transpose([1, 0, 2]).reshape([batch, size]);
}

/** One LSTM layer, gates i, f, g, o; the input projection of every step is one matrix product. */
function lstm(h: tf.Tensor4D, [kernel, recurrent, bias]: tf.Variable[], units: number, returnSequences: boolean): tf.Tensor {
  const [batch, , samples, channels] = h.shape;
  const projected = tf
    .matMul(h.reshape([batch * samples, channels]), kernel as tf.Tensor2D)
    .add(bias)
    .reshape([batch, samples, 4 * units]);
  const steps = tf.unstack(projected, 1);
  let state = tf.zeros([batch, units]);
  let out = tf.zeros([batch, units]);
  const outputs: tf.Tensor[] = [];
  for (const step of steps) {
    const z = step.add(tf.matMul(out, recurrent as tf.Tensor2D));
    const [i, f, g, o] = tf.split(z, 4, 1);
    state = tf
      .sigmoid(f)
      .mul(state)
      .add(tf.sigmoid(i).mul(tf.tanh(g)));
    out = tf.sigmoid(o).mul(tf.tanh(state));
    if (returnSequences) outputs.push(out);
  }
  return returnSequences ? tf.stack(outputs, 1).reshape([batch, 1, samples, units]) : out;
}
