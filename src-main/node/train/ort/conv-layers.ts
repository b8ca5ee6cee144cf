/**
 * Training-graph nodes of conv1d and the pools, forward and backward, in the formulations that
 * measured fastest in onnxruntime's CPU provider (docs/ARCHITECTURE.md §4, shared DESIGN §6b):
 * - forward: one `Conv` (ORT fuses the bias and the ReLU after it);
 * - weight gradient: for each of the k taps, a shifted `Slice` of the padded input times the
 *   output gradient as a batched `MatMul`, summed over the batch;
 * - input gradient: a `Conv` of the output gradient with the weights flipped in time and
 *   transposed (3× faster than `ConvTranspose`, which only strided layers use);
 * - ReLU + max-pool gradient: the pooled values and gradients upsampled by an exact 0/1 `MatMul`,
 *   an `Equal` → `Cast` mask instead of `MaxPool` indices (6× slower) or `Where` (single-threaded).
 *   Where several inputs tie for a window's max they share its gradient (tfjs and PyTorch give it
 *   all to the first): both are subgradients; the weights' gradients differ only in such windows.
 * Sequences are [rows, channels, samples]; weights arrive and gradients leave in tfjs's layout.
 */
import type { LayerShape } from '../../../core/models';
import type { GraphBuilder } from './graph-builder';
import type { Backward, LayerContext } from './layer-context';

/** conv1d: x [N, Cin, T] → [N, Cout, Tout]; `reluByNext` when the max pool after it applies the ReLU's gradient. */
export function conv1d(c: LayerContext, shape: LayerShape, x: string, reluByNext: boolean): { y: string; backward: Backward } {
  const { g } = c;
  const { layer } = shape;
  if (layer.kind !== 'conv1d') throw new Error('conv1d() needs a conv1d layer');
  const [kernelName, biasName] = shape.weights.map((w) => w.name);
  const [k] = shape.weights[0].shape;
  const groups = layer.groups ?? 1;
  const stride = layer.stride ?? 1;
  const [before, after] = shape.pads ?? [0, 0];
  const kernel = c.weight(kernelName);
  const bias = c.weight(biasName);
  const w = g.transpose(kernel, [2, 1, 0]);
  const conv = g.op('Conv', [x, w, bias], { kernel_shape: [k], strides: [stride], pads: [before, after], group: groups });
  const relu = layer.activation === 'relu';
  const y = relu ? g.op('Relu', [conv]) : conv;
  const backward: Backward = (dy, needInput) => {
    const dz = relu && !reluByNext ? g.mul(dy, g.greaterMask(y, g.scalar(0))) : dy;
    c.grads.set(biasName, g.reduceSum(dz, [0, 2]));
    c.grads.set(kernelName, kernelGradient(g, shape, x, dz));
    return needInput ? inputGradient(g, shape, kernel, w, dz) : null;
  };
  return { y, backward };
}

/** dL/dkernel [k, Cin / groups, Cout]: per tap, the shifted input times dz, batched over rows, then summed over them. */
function kernelGradient(g: GraphBuilder, { layer, weights, pads, outputShape }: LayerShape, x: string, dz: string): string {
  if (layer.kind !== 'conv1d') throw new Error('kernelGradient needs a conv1d layer');
  const [k, inPerGroup, out] = weights[0].shape;
  const groups = layer.groups ?? 1;
  const stride = layer.stride ?? 1;
  const [tout] = outputShape;
  const padded = g.padLast(x, 3, pads?.[0] ?? 0, pads?.[1] ?? 0);
  const grouped = groups > 1;
  // [N, Tout, Cout], or per group [N, groups, Tout, Cout / groups].
  const dzT = grouped ? g.transpose(g.reshape(dz, [0, groups, out / groups, tout]), [0, 1, 3, 2]) : g.transpose(dz, [0, 2, 1]);
  const taps = Array.from({ length: k }, (_, t) => {
    const shifted = g.slice(padded, 2, t, t + stride * (tout - 1) + 1, stride);
    return g.op('MatMul', [grouped ? g.reshape(shifted, [0, groups, inPerGroup, tout]) : shifted, dzT]);
  });
  // The taps stacked on each product's channel axis, [N, k · Cin, Cout] (per group [N, groups, k · Cin / groups, Cout / groups]):
  // stacking them on a new axis instead cost an Unsqueeze copy of every product.
  const summed = g.reduceSum(g.op('Concat', taps, { axis: grouped ? 2 : 1 }), [0]);
  if (!grouped) return g.reshape(summed, [k, inPerGroup, out]);
  // [groups, k, Cin / groups, Cout / groups] → [k, Cin / groups, groups · Cout / groups].
  return g.reshape(g.transpose(g.reshape(summed, [groups, k, inPerGroup, out / groups]), [1, 2, 0, 3]), [k, inPerGroup, out]);
}

/** dL/dx [N, Cin, T]: a Conv with flipped, transposed weights; a ConvTranspose for strided layers. */
function inputGradient(g: GraphBuilder, { layer, weights, pads, inputShape, outputShape }: LayerShape, kernel: string, w: string, dz: string): string {
  if (layer.kind !== 'conv1d') throw new Error('inputGradient needs a conv1d layer');
  const [k, inPerGroup, out] = weights[0].shape;
  const groups = layer.groups ?? 1;
  const stride = layer.stride ?? 1;
  const [samples] = inputShape;
  const [tout] = outputShape;
  const before = pads?.[0] ?? 0;
  if (stride > 1) {
    const full = g.op('ConvTranspose', [dz, w], { kernel_shape: [k], strides: [stride], group: groups });
    const length = stride * (tout - 1) + k;
    const covered = g.slice(full, 2, before, Math.min(length, before + samples));
    return g.padLast(covered, 3, 0, Math.max(0, before + samples - length));
  }
  const flipped = g.slice(kernel, 0, -1, -(2 ** 31), -1);
  // [k, Cin/g, Cout] → [Cin, Cout/g, k]: input channel G·Cin/g + c, within-group output j, reversed tap.
  const wf = g.reshape(g.transpose(g.reshape(flipped, [k, inPerGroup, groups, out / groups]), [2, 1, 3, 0]), [groups * inPerGroup, out / groups, k]);
  return g.op('Conv', [dz, wf], { kernel_shape: [k], pads: [k - 1 - before, samples - tout + before], group: groups });
}

/** The part of x [N, C, T] a pool of `size` covers (it drops the remainder), and how many samples it drops. */
function covered(g: GraphBuilder, x: string, samples: number, size: number): { whole: string; dropped: number } {
  const length = Math.floor(samples / size) * size;
  return { whole: length === samples ? x : g.slice(x, 2, 0, length), dropped: samples - length };
}

/** maxPool1d, non-overlapping; `reluBefore`: the conv before it is a ReLU, whose gradient this one applies on the pooled size. */
export function maxPool1d(g: GraphBuilder, shape: LayerShape, x: string, reluBefore: boolean): { y: string; backward: Backward } {
  if (shape.layer.kind !== 'maxPool1d') throw new Error('maxPool1d() needs a maxPool1d layer');
  const { size } = shape.layer;
  const y = g.op('MaxPool', [x], { kernel_shape: [size], strides: [size] });
  const backward: Backward = (dy, needInput) => {
    if (!needInput) return null;
    const { whole, dropped } = covered(g, x, shape.inputShape[0], size);
    // Where a window's max is 0 after a ReLU, every input of it was ≤ 0: the ReLU passes no gradient.
    const dp = reluBefore ? g.mul(dy, g.greaterMask(y, g.scalar(0))) : dy;
    const argmax = g.op('Cast', [g.op('Equal', [whole, g.upsampleLast(y, size)])], { to: 1 });
    // Inputs tied for a window's max (equal floats: common where a bias dominates) share its gradient, so it is counted once.
    const shared = g.op('Div', [g.mul(dp, g.scalar(1 / size)), g.op('AveragePool', [argmax], { kernel_shape: [size], strides: [size] })]);
    return g.padLast(g.mul(argmax, g.upsampleLast(shared, size)), 3, 0, dropped);
  };
  return { y, backward };
}

export function avgPool1d(g: GraphBuilder, shape: LayerShape, x: string): { y: string; backward: Backward } {
  if (shape.layer.kind !== 'avgPool1d') throw new Error('avgPool1d() needs an avgPool1d layer');
  const { size } = shape.layer;
  const y = g.op('AveragePool', [x], { kernel_shape: [size], strides: [size] });
  const backward: Backward = (dy, needInput) => {
    if (!needInput) return null;
    const { dropped } = covered(g, x, shape.inputShape[0], size);
    return g.padLast(g.upsampleLast(dy, size, 1 / size), 3, 0, dropped);
  };
  return { y, backward };
}

/** Mean over time, [N, C, T] → [N, C]; its gradient spreads dy / T back by the same exact product. */
export function globalAvgPool1d(g: GraphBuilder, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const [samples] = shape.inputShape;
  const y = g.reduceMean(x, [2]);
  const backward: Backward = (dy, needInput) => (needInput ? g.upsampleLast(g.unsqueeze(dy, [2]), samples, 1 / samples) : null);
  return { y, backward };
}
