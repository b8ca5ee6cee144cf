/**
 * A model spec and its flat weights as an ONNX graph (opset 17) — the same spec the trainer built
 * its tfjs model from, so the two cannot drift apart. Input `eeg` [batch, channels, samples] in
 * µV (PyTorch's layout); output `probabilities` [batch, classes] (softmax). The graph works
 * channels-first throughout; where the tfjs model's time-major order matters (flatten) it
 * transposes first.
 *
 * Runs of convolutions, pools and batch norms are written as their 2-D forms on [batch, channels,
 * 1, samples]: onnxruntime's CPU provider rewrites 2-D convolutions into its blocked NCHWc
 * kernels, and 1-D ones not — the reference net infers 18% faster so (docs/ARCHITECTURE.md §6).
 */
import { readFile } from 'node:fs/promises';
import type { ModelInfo } from '../../core/model-info';
import { modelInfoToMetadata } from '../../core/model-info';
import { describeModel, hemisphereRows, type LayerShape, type ModelSpec } from '../../core/models';
import { writeFileAtomic } from '../fs-atomic';
import { fileSystemProblem, regularFileSize } from '../formats/input-file';
import { DataError } from '../../core/eeg';
import { encodeModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-model';

const INPUT_NAME = 'eeg';
const OUTPUT_NAME = 'probabilities';
const BN_EPSILON = 1e-5;
/** ModelProto.producer_name of our files. */
export const PRODUCER = 'HMS Studio';

/** A member of a graph: a model, its weights, and the temperature its logits are divided by (1 when absent). */
export interface GraphMember {
  spec: ModelSpec;
  weights: Float32Array;
  temperature?: number;
}

export function exportOnnx(spec: ModelSpec, weights: Float32Array, info: ModelInfo, temperature?: number): Uint8Array {
  return exportEnsembleOnnx([{ spec, weights, temperature }], info);
}

/**
 * Several models on one input as one graph: each member's probabilities, averaged (a single
 * member is a plain model). Averaging probabilities, not logits, is what the fold ensembles of
 * the HMS competition did, and what the KL of an averaged prediction rewards.
 */
export function exportEnsembleOnnx(members: readonly GraphMember[], info: ModelInfo): Uint8Array {
  const [first] = members;
  if (!first) throw new Error('an ensemble needs at least one model');
  const { input } = first.spec;
  const misfit = members.find((m) => m.spec.input.channels !== input.channels || m.spec.input.samples !== input.samples);
  if (misfit)
    throw new Error(`model "${misfit.spec.name}" takes [${misfit.spec.input.channels}, ${misfit.spec.input.samples}]; the first takes [${input.channels}, ${input.samples}]`);
  const graph = graphParts();
  const alone = members.length === 1;
  const probabilities = members.map(({ spec, weights, temperature = 1 }, i) => {
    const b = graph.builder(alone ? '' : `m${i + 1}/`);
    const logits = modelLogits(b, spec, weights, INPUT_NAME);
    // Temperature scaling (core/calibration.ts), inside the graph: every user of the file gets calibrated probabilities.
    const scaled = temperature === 1 ? logits : b.node('Mul', [logits, b.constant('inverse_temperature', [], Float32Array.of(1 / temperature))]);
    return b.node('Softmax', [scaled], { axis: 1 }, alone ? [OUTPUT_NAME] : undefined);
  });
  if (!alone) {
    const b = graph.builder('ensemble/');
    b.node('Mul', [b.node('Sum', probabilities), b.constant('mean', [], Float32Array.of(1 / members.length))], undefined, [OUTPUT_NAME]);
  }
  const onnx: OnnxGraph = {
    name: alone ? first.spec.name : `ensemble of ${members.length}`,
    nodes: graph.nodes,
    initializers: graph.initializers,
    inputs: [{ name: INPUT_NAME, dims: ['batch', input.channels, input.samples] }],
    outputs: [{ name: OUTPUT_NAME, dims: ['batch', describeModel(first.spec).outputShape[0]] }],
  };
  return encodeModel(onnx, modelInfoToMetadata(info), { name: PRODUCER, version: info.appVersion });
}

interface Builder {
  node: (op: string, inputs: string[], attributes?: OnnxNode['attributes'], outputs?: string[]) => string;
  constant: (name: string, dims: number[], values: Float32Array | number[], int64?: boolean) => string;
  fresh: (hint: string) => string;
}

/** One graph's nodes and initializers, added to through builders; each builder prefixes its initializers' names, so an ensemble's members cannot collide. */
function graphParts() {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let counter = 0;
  const fresh = (hint: string) => `${hint}_${counter++}`;
  const builder = (prefix: string): Builder => ({
    fresh,
    node: (op, inputs, attributes, outputs = [fresh(op.toLowerCase())]) => {
      nodes.push({ op, inputs, outputs, ...(attributes ? { attributes } : {}) });
      return outputs[0];
    },
    constant: (name, dims, values, int64 = false) => {
      initializers.push({ name: prefix + name, dims, values, int64 });
      return prefix + name;
    },
  });
  return { nodes, initializers, builder };
}

/** The spec's layers on `input`, reading their weights in order: the name of the logits. */
function modelLogits(b: Builder, spec: ModelSpec, weights: Float32Array, input: string): string {
  const description = describeModel(spec);
  if (weights.length !== description.parameters) throw new Error(`model "${spec.name}" has ${description.parameters} weights; ${weights.length} were given`);
  let offset = 0;
  const take = (n: number) => {
    const w = weights.subarray(offset, offset + n);
    offset += n;
    return w;
  };
  const logits = description.layers.reduce((current, shape) => layerNodes(b, shape, take, current), { name: input, planar: false });
  return logits.name;
}

/** A tensor in the graph; `planar` when it carries the unit height axis of the 2-D forms, [batch, channels, 1, samples]. */
interface Value {
  name: string;
  planar: boolean;
}

/** Whether a layer needs planar input (convolutions and pools), flat input, or takes either as it comes (element-wise and channel-wise layers). */
function formFor({ layer }: LayerShape): 'planar' | 'flat' | 'either' {
  switch (layer.kind) {
    case 'conv1d':
    case 'maxPool1d':
    case 'avgPool1d':
      return 'planar';
    case 'scale':
    case 'dropout':
    case 'batchNorm':
    case 'log':
    case 'globalAvgPool1d':
      return 'either';
    default:
      return 'flat';
  }
}

/** One layer's nodes on `x`, in the form it needs, taking its weights from the flat vector. */
function layerNodes(b: Builder, shape: LayerShape, take: (n: number) => Float32Array, x: Value): Value {
  const form = formFor(shape);
  // A layer that ends a sequence (a global pool) leaves features, which have no height axis.
  const stillPlanar = x.planar && shape.outputShape.length === 2;
  if (form === 'either' || (form === 'planar') === x.planar) return { name: layerNode(b, shape, take, x.name, x.planar), planar: stillPlanar };
  const planar = form === 'planar';
  const axis = b.constant(`${shape.name}/height_axis`, [1], [2], true);
  const moved = b.node(planar ? 'Unsqueeze' : 'Squeeze', [x.name, axis]);
  return { name: layerNode(b, shape, take, moved, planar), planar };
}

/** One layer's nodes on `x`: the name of its output. */
function layerNode(b: Builder, shape: LayerShape, take: (n: number) => Float32Array, x: string, planar: boolean): string {
  const { node, constant } = b;
  const { layer, name } = shape;
  const window = (size: number) => (planar ? [1, size] : [size]);
  const sizes = shape.weights.map((w) => w.shape.reduce((a, c) => a * c, 1));
  const activation = (y: string) => ('activation' in layer && layer.activation === 'relu' ? node('Relu', [y]) : y);
  switch (layer.kind) {
    case 'scale':
      return node('Mul', [x, constant(`${name}/factor`, [], Float32Array.of(layer.factor))]);
    case 'conv1d':
      return activation(conv1d(shape, take(sizes[0]), take(sizes[1]).slice(), x, b));
    case 'maxPool1d':
      return node('MaxPool', [x], { kernel_shape: window(layer.size), strides: window(layer.size) });
    case 'avgPool1d':
      return node('AveragePool', [x], { kernel_shape: window(layer.size), strides: window(layer.size) });
    case 'globalAvgPool1d':
      return node('ReduceMean', [x], { axes: planar ? [2, 3] : [2], keepdims: 0 });
    case 'batchNorm': {
      const [gamma, beta, mean, variance] = sizes.map((n, i) => constant(`${name}/${['scale', 'B', 'mean', 'var'][i]}`, [n], take(n).slice()));
      return node('BatchNormalization', [x, gamma, beta, mean, variance], { epsilon: { float: BN_EPSILON } });
    }
    case 'dropout':
      return x;
    case 'flatten':
      return node('Flatten', [node('Transpose', [x], { perm: [0, 2, 1] })], { axis: 1 });
    case 'lstm':
      return lstm(shape, take(sizes[0]), take(sizes[1]), take(sizes[2]), x, b);
    case 'splitChannels':
      return node('Reshape', [x, constant(`${name}/shape`, [3], [-1, 1, shape.inputShape[0]], true)]);
    case 'mergeChannels': {
      const out = shape.outputShape;
      const target = out.length === 2 ? [-1, out[1], out[0]] : [-1, out[0]];
      return node('Reshape', [x, constant(`${name}/shape`, [target.length], target, true)]);
    }
    case 'log':
      return node('Log', [node('Add', [x, constant(`${name}/epsilon`, [], Float32Array.of(layer.epsilon))])]);
    case 'hemisphereSymmetric':
      return hemisphereSymmetric(shape, x, b);
    case 'dense': {
      const [inputs, units] = shape.weights[0].shape;
      return activation(node('Gemm', [x, constant(`${name}/W`, [inputs, units], take(sizes[0]).slice()), constant(`${name}/B`, [units], take(sizes[1]).slice())]));
    }
  }
}

/** tfjs's kernel [k, in/groups, out] → ONNX's [out, in/groups, 1, k], a 2-D convolution of height 1 on planar input; padding as the spec's shape says. */
function conv1d({ name, layer, weights, pads }: LayerShape, kernel: Float32Array, bias: Float32Array, x: string, { node, constant }: Builder): string {
  if (layer.kind !== 'conv1d') throw new Error('conv1d() needs a conv1d layer');
  const [k, inPerGroup, out] = weights[0].shape;
  const w = new Float32Array(kernel.length);
  for (let t = 0; t < k; t++) for (let c = 0; c < inPerGroup; c++) for (let o = 0; o < out; o++) w[(o * inPerGroup + c) * k + t] = kernel[(t * inPerGroup + c) * out + o];
  const [before, after] = pads ?? [0, 0];
  return node('Conv', [x, constant(`${name}/W`, [out, inPerGroup, 1, k], w), constant(`${name}/B`, [out], bias)], {
    kernel_shape: [1, k],
    strides: [1, layer.stride ?? 1],
    pads: [0, before, 0, after],
    group: layer.groups ?? 1,
  });
}

/**
 * ONNX's LSTM: input [T, N, C], gates in the order i, o, f, c with W [1, 4H, C], R [1, 4H, H] and
 * B [1, 8H] (input then recurrent biases); ours are i, f, c, o in [C, 4H] / [H, 4H] / [4H].
 */
function lstm({ name, layer, inputShape }: LayerShape, kernel: Float32Array, recurrent: Float32Array, bias: Float32Array, x: string, { node, constant, fresh }: Builder): string {
  if (layer.kind !== 'lstm') throw new Error('lstm() needs an lstm layer');
  const h = layer.units;
  const c = inputShape[1];
  const ONNX_FROM_OURS = [0, 3, 1, 2]; // ONNX block g (i, o, f, c) is our block ONNX_FROM_OURS[g].
  const reorder = (src: Float32Array, rows: number) => {
    const out = new Float32Array(4 * h * rows);
    for (let g = 0; g < 4; g++) for (let u = 0; u < h; u++) for (let r = 0; r < rows; r++) out[(g * h + u) * rows + r] = src[r * 4 * h + ONNX_FROM_OURS[g] * h + u];
    return out;
  };
  const b = new Float32Array(8 * h);
  for (let g = 0; g < 4; g++) b.set(bias.subarray(ONNX_FROM_OURS[g] * h, ONNX_FROM_OURS[g] * h + h), g * h);
  const sequence = node('Transpose', [x], { perm: [2, 0, 1] });
  const y = fresh('lstm_y');
  const yh = fresh('lstm_yh');
  node(
    'LSTM',
    [sequence, constant(`${name}/W`, [1, 4 * h, c], reorder(kernel, c)), constant(`${name}/R`, [1, 4 * h, h], reorder(recurrent, h)), constant(`${name}/B`, [1, 8 * h], b)],
    { hidden_size: h },
    [y, yh],
  );
  if (!layer.returnSequences) return node('Squeeze', [yh, constant(`${name}/axis0`, [1], [0], true)]);
  // Y [T, 1, N, H] → [N, H, T], channels-first again.
  return node('Transpose', [node('Squeeze', [y, constant(`${name}/axis1`, [1], [1], true)])], { perm: [1, 2, 0] });
}

/** [N, chains · F] → [N, chains, F], constant 0/±1 matrices over the chains (MatMul broadcasts over N), |differences|, back to [N, chains · F]. */
function hemisphereSymmetric(shape: LayerShape, x: string, { node, constant }: Builder): string {
  const { sums, differences, kept } = hemisphereRows(shape);
  const chains = shape.chains!;
  const features = shape.inputShape[0] / chains;
  const byChain = node('Reshape', [x, constant(`${shape.name}/chains`, [3], [-1, chains, features], true)]);
  const mix = (rows: number[][], part: string) => node('MatMul', [constant(`${shape.name}/${part}`, [rows.length, chains], Float32Array.from(rows.flat())), byChain]);
  const parts = [mix(sums, 'sums'), node('Abs', [mix(differences, 'differences')]), ...(kept.length ? [mix(kept, 'kept')] : [])];
  return node('Reshape', [node('Concat', parts, { axis: 1 }), constant(`${shape.name}/flat`, [2], [-1, chains * features], true)]);
}

export async function exportOnnxFile(path: string, spec: ModelSpec, weights: Float32Array, info: ModelInfo, temperature?: number): Promise<void> {
  await writeFileAtomic(path, exportOnnx(spec, weights, info, temperature));
}

/** The bytes of a model file, with the file named when it cannot be read. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    await regularFileSize(path);
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const problem = err instanceof DataError ? err.problem : fileSystemProblem(err);
    throw new DataError(path, `cannot read the model: ${problem}`);
  }
}
