/**
 * One layer of a `ModelSpec` as training-graph nodes: its forward pass and, for training, a
 * backward pass that records its weights' gradients (in tfjs's layout, so they land in the flat
 * vector as they are) and returns its input's gradient. Sequences are [rows, channels, samples],
 * flat features [rows, features], as in the exported model (node/onnx/export.ts).
 */
import { hemisphereRows, type LayerShape } from '../../../core/models';
import { BATCH_NORM_EPSILON } from '../build-model';
import { avgPool1d, conv1d, globalAvgPool1d, maxPool1d } from './conv-layers';
import type { GraphBuilder } from './graph-builder';
import type { Backward, LayerContext } from './layer-context';
import { lstm } from './recurrent-layers';

/** Where the fused ReLU + max-pool gradient applies: a ReLU conv1d whose output goes straight into a max pool. */
export interface Neighbours {
  reluByNext: boolean;
  reluBefore: boolean;
}

export function layerNodes(c: LayerContext, shape: LayerShape, x: string, near: Neighbours): { y: string; backward: Backward } {
  const { g } = c;
  const { layer } = shape;
  const same = (y: string, grad: (dy: string) => string): { y: string; backward: Backward } => ({ y, backward: (dy, need) => (need ? grad(dy) : null) });
  switch (layer.kind) {
    case 'scale': {
      const factor = g.scalar(layer.factor);
      return same(g.mul(x, factor), (dy) => g.mul(dy, factor));
    }
    case 'conv1d':
      return conv1d(c, shape, x, near.reluByNext);
    case 'maxPool1d':
      return maxPool1d(g, shape, x, near.reluBefore);
    case 'avgPool1d':
      return avgPool1d(g, shape, x);
    case 'globalAvgPool1d':
      return globalAvgPool1d(g, shape, x);
    case 'batchNorm':
      return c.training ? batchNormTraining(c, shape, x) : batchNormInference(c, shape, x);
    case 'dropout': {
      if (!c.training || layer.rate === 0) return same(x, (dy) => dy);
      const mask = shape.inputShape.length === 2 ? g.transpose(c.mask(shape), [0, 2, 1]) : c.mask(shape);
      return same(g.mul(x, mask), (dy) => g.mul(dy, mask));
    }
    case 'flatten': {
      const [samples, channels] = shape.inputShape;
      return same(g.reshape(g.transpose(x, [0, 2, 1]), [0, -1]), (dy) => g.transpose(g.reshape(dy, [0, samples, channels]), [0, 2, 1]));
    }
    case 'splitChannels': {
      const [samples, channels] = shape.inputShape;
      return same(g.reshape(x, [-1, 1, samples]), (dy) => g.reshape(dy, [-1, channels, samples]));
    }
    case 'mergeChannels':
      return mergeChannels(g, shape, x);
    case 'log': {
      const shifted = g.add(x, g.scalar(layer.epsilon));
      return same(g.op('Log', [shifted]), (dy) => g.op('Div', [dy, shifted]));
    }
    case 'hemisphereSymmetric':
      return hemisphereSymmetric(g, shape, x);
    case 'dense':
      return dense(c, shape, x);
    case 'lstm':
      return lstm(c, shape, x);
  }
}

function mergeChannels(g: GraphBuilder, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const { inputShape, outputShape } = shape;
  if (outputShape.length === 1) {
    return { y: g.reshape(x, [-1, outputShape[0]]), backward: (dy, need) => (need ? g.reshape(dy, [-1, inputShape[0]]) : null) };
  }
  const [samples] = inputShape;
  return {
    y: g.reshape(x, [-1, outputShape[1], samples]),
    backward: (dy, need) => (need ? g.reshape(dy, [-1, inputShape[1], samples]) : null),
  };
}

/** dense: Gemm forward; dK = xᵀ·dz and dx = dz·Kᵀ through Gemm's transpose flags, so nothing is copied. */
function dense(c: LayerContext, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const { g } = c;
  if (shape.layer.kind !== 'dense') throw new Error('dense() needs a dense layer');
  const [kernelName, biasName] = shape.weights.map((w) => w.name);
  const kernel = c.weight(kernelName);
  const z = g.op('Gemm', [x, kernel, c.weight(biasName)]);
  const relu = shape.layer.activation === 'relu';
  const y = relu ? g.op('Relu', [z]) : z;
  const backward: Backward = (dy, need) => {
    const dz = relu ? g.mul(dy, g.greaterMask(y, g.scalar(0))) : dy;
    c.grads.set(kernelName, g.op('Gemm', [x, dz], { transA: 1 }));
    c.grads.set(biasName, g.reduceSum(dz, [0]));
    return need ? g.op('Gemm', [dz, kernel], { transB: 1 }) : null;
  };
  return { y, backward };
}

/** Sums, absolute differences and unpaired chains as constant matrices over the chain axis; the gradient is their transposes. */
function hemisphereSymmetric(g: GraphBuilder, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const { sums, differences, kept } = hemisphereRows(shape);
  const chains = shape.chains!;
  const features = shape.inputShape[0] / chains;
  const matrix = (rows: number[][]) => g.floats([rows.length, chains], Float32Array.from(rows.flat()));
  const transposed = (rows: number[][]) => g.floats([chains, rows.length], Float32Array.from(rows[0].flatMap((_, c) => rows.map((r) => r[c]))));
  const byChain = g.reshape(x, [-1, chains, features]);
  const difference = g.op('MatMul', [matrix(differences), byChain]);
  const parts = [g.op('MatMul', [matrix(sums), byChain]), g.op('Abs', [difference]), ...(kept.length ? [g.op('MatMul', [matrix(kept), byChain])] : [])];
  const y = g.reshape(g.op('Concat', parts, { axis: 1 }), [-1, chains * features]);
  const backward: Backward = (dy, need) => {
    if (!need) return null;
    const dParts = g.reshape(dy, [-1, chains, features]);
    const rows = (begin: number, count: number) => g.slice(dParts, 1, begin, begin + count);
    const pairs = sums.length;
    // tfjs's Abs gradient: +1 where the difference is positive, −1 elsewhere (0 included).
    const sign = g.sub(g.mul(g.greaterMask(difference, g.scalar(0)), g.scalar(2)), g.scalar(1));
    const terms = [g.op('MatMul', [transposed(sums), rows(0, pairs)]), g.op('MatMul', [transposed(differences), g.mul(rows(pairs, pairs), sign)])];
    if (kept.length) terms.push(g.op('MatMul', [transposed(kept), rows(2 * pairs, kept.length)]));
    return g.reshape(g.op('Sum', terms), [-1, chains * features]);
  };
  return { y, backward };
}

/** Batch norm with running statistics: [rows, features] or [rows, channels, samples] (per channel). */
function batchNormInference(c: LayerContext, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const [gamma, beta, mean, variance] = shape.weights.map((w) => c.weight(w.name));
  return { y: c.g.op('BatchNormalization', [x, gamma, beta, mean, variance], { epsilon: { float: BATCH_NORM_EPSILON } }), backward: () => null };
}

/**
 * Batch norm with the batch's statistics; its running-statistic slots get the batch's mean and
 * unbiased variance, as PyTorch tracks them and the tfjs engine reports them (gradients.ts).
 */
function batchNormTraining(c: LayerContext, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const { g } = c;
  const sequence = shape.inputShape.length === 2;
  const axes = sequence ? [0, 2] : [0];
  const [gammaName, betaName, meanName, varianceName] = shape.weights.map((w) => w.name);
  const features = shape.weights[0].shape[0];
  // Per-channel parameters broadcast over time as [C, 1].
  const perFeature = (v: string) => (sequence ? g.reshape(v, [features, 1]) : v);
  const gamma = perFeature(c.weight(gammaName));
  const mean = g.reduceMean(x, axes, 1);
  const centred = g.sub(x, mean);
  const variance = g.reduceMean(g.mul(centred, centred), axes, 1);
  const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.add(variance, g.scalar(BATCH_NORM_EPSILON))])]);
  const normalised = g.mul(centred, inverse);
  const y = g.add(g.mul(normalised, gamma), perFeature(c.weight(betaName)));
  const count = g.op('Div', [g.op('Cast', [g.op('Size', [x])], { to: 1 }), g.scalar(features)]);
  const unbiased = g.op('Div', [count, g.op('Max', [g.sub(count, g.scalar(1)), g.scalar(1)])]);
  c.grads.set(meanName, g.reshape(mean, [features]));
  c.grads.set(varianceName, g.mul(g.reshape(variance, [features]), unbiased));
  const backward: Backward = (dy, need) => {
    c.grads.set(betaName, g.reduceSum(dy, axes));
    c.grads.set(gammaName, g.reduceSum(g.mul(dy, normalised), axes));
    if (!need) return null;
    const dNormalised = g.mul(dy, gamma);
    const meanGrad = g.reduceMean(dNormalised, axes, 1);
    const projection = g.mul(normalised, g.reduceMean(g.mul(dNormalised, normalised), axes, 1));
    return g.mul(inverse, g.sub(g.sub(dNormalised, meanGrad), projection));
  };
  return { y, backward };
}
