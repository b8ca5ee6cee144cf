/**
 * A `ModelSpec` compiled into ONNX graphs for onnxruntime to train: one graph for a whole
 * training step's arithmetic — forward, loss (KL or MSE on the softmax), backward — whose outputs
 * are the loss and every weight's gradient (batch-norm running-statistic slots get the batch's
 * statistics, as the tfjs engine reports them), and one for inference (class probabilities).
 * Weights are inputs in `describeModel`'s names and tfjs's layouts, so the flat weight vector
 * feeds them without copies and Adam stays in JS (adam.ts) for every engine alike. Dropout takes
 * its mask as an input, drawn by the caller from the run's seed. An LSTM is unrolled
 * (recurrent-layers.ts), so only a short one trains here.
 */
import { describeModel, type LayerShape, type ModelSpec } from '../../../core/models';
import type { LossKind } from '../loss';
import { GraphBuilder, type Upsampling } from './graph-builder';
import type { Backward, LayerContext } from './layer-context';
import { layerNodes } from './layers';

export const INPUT = 'x';
export const TARGETS = 'y';
export const LOSS = 'loss';
export const PROBABILITIES = 'probabilities';
/** The output carrying a weight's gradient (or a batch-norm statistic's batch value). */
export const gradientName = (weight: string): string => `grad:${weight}`;
/** The input carrying a dropout layer's mask: its kept values' factor 1 / (1 − rate), 0 for dropped ones. */
export const maskName = (layer: string): string => `mask:${layer}`;

export interface DropoutMask {
  layer: string;
  /** Index of the layer in the spec (seeds the mask, as the tfjs engine does). */
  index: number;
  rate: number;
  /** Per example, in tfjs's order: [samples, channels] or [features]. */
  shape: number[];
  /** Sequences per example at this layer (between splitChannels and mergeChannels: the chains). */
  split: number;
}

export interface CompiledGraph {
  bytes: Uint8Array;
  /** Weights the graph reads, by name; the others (running statistics while training) are not fed. */
  weights: Set<string>;
  masks: DropoutMask[];
}

/**
 * Steps an LSTM is unrolled over at most. Building the session grows faster than the graph: a
 * 250-step LSTM's took 4–10 s, a 500-step one's 31 s (measured, 2 cores); convlstm's 2,500 would
 * take many minutes.
 */
export const MAX_LSTM_STEPS = 256;

/** Why the spec cannot train on onnxruntime, or null when it can. */
export function unsupportedReason(spec: ModelSpec): string | null {
  const long = describeModel(spec).layers.find((l) => l.layer.kind === 'lstm' && l.inputShape[0] > MAX_LSTM_STEPS);
  if (!long) return null;
  return `model "${spec.name}" has an LSTM over ${long.inputShape[0]} steps; onnxruntime trains an LSTM unrolled, up to ${MAX_LSTM_STEPS} steps (longer, its session takes minutes to build), so it trains on the tfjs engine`;
}

export function compileTrainingGraph(spec: ModelSpec, loss: LossKind, upsampling: Upsampling = 'matmul'): CompiledGraph {
  return compile(spec, true, upsampling, (g, logits, classes) => {
    const targets = g.input(TARGETS, ['batch', classes]);
    const { value, dLogits } = (loss === 'kl' ? klNodes : mseNodes)(g, logits, targets, classes);
    g.output(value, LOSS, [1]);
    return dLogits;
  });
}

export function compileInferenceGraph(spec: ModelSpec): CompiledGraph {
  return compile(spec, false, 'matmul', (g, logits, classes) => {
    g.output(g.op('Softmax', [logits], { axis: 1 }), PROBABILITIES, ['batch', classes]);
    return null;
  });
}

type Head = (g: GraphBuilder, logits: string, classes: number) => string | null;

function compile(spec: ModelSpec, training: boolean, upsampling: Upsampling, head: Head): CompiledGraph {
  const reason = unsupportedReason(spec);
  if (reason) throw new Error(reason);
  const description = describeModel(spec);
  const g = new GraphBuilder(upsampling);
  const weights = new Set<string>();
  const masks: DropoutMask[] = [];
  const context: LayerContext = {
    g,
    training,
    grads: new Map(),
    weight: (name) => {
      if (!weights.has(name)) g.input(name, description.layers.flatMap((l) => l.weights).find((w) => w.name === name)!.shape);
      weights.add(name);
      return name;
    },
    mask: (shape) => dropoutMask(g, shape, description.layers.indexOf(shape), masks),
  };
  const { samples, channels } = spec.input;
  let h = g.transpose(g.input(INPUT, ['batch', samples, channels]), [0, 2, 1]);
  const backwards: Backward[] = description.layers.map((shape, i) => {
    const next = spec.layers[i + 1];
    const previous = spec.layers[i - 1];
    const near = {
      reluByNext: shape.layer.kind === 'conv1d' && shape.layer.activation === 'relu' && next?.kind === 'maxPool1d',
      reluBefore: shape.layer.kind === 'maxPool1d' && previous?.kind === 'conv1d' && previous.activation === 'relu',
    };
    const built = layerNodes(context, shape, h, near);
    h = built.y;
    return built.backward;
  });
  const [classes] = description.outputShape;
  let dy = head(g, h, classes);
  if (dy) {
    // A layer needs its input's gradient only when a layer before it has weights to train.
    const trainsBefore = description.layers.map((_, i) => description.layers.slice(0, i).some((l) => l.weights.some((w) => w.trainable)));
    for (let i = backwards.length - 1; i >= 0 && dy; i--) dy = backwards[i](dy, trainsBefore[i]);
    for (const w of description.layers.flatMap((l) => l.weights)) {
      const grad = context.grads.get(w.name);
      if (!grad) throw new Error(`the training graph of "${spec.name}" has no gradient for ${w.name}`);
      g.output(grad, gradientName(w.name), w.shape);
    }
  }
  return { bytes: g.encode(spec.name), weights, masks };
}

function dropoutMask(g: GraphBuilder, shape: LayerShape, index: number, masks: DropoutMask[]): string {
  if (shape.layer.kind !== 'dropout') throw new Error('a mask belongs to a dropout layer');
  masks.push({ layer: shape.name, index, rate: shape.layer.rate, shape: shape.inputShape, split: shape.split });
  return g.input(maskName(shape.name), [shape.split === 1 ? 'batch' : 'rows', ...shape.inputShape]);
}

/** 1 / rows, from the logits' shape: the graph takes any batch. */
function inverseRows(g: GraphBuilder, logits: string): string {
  return g.op('Reciprocal', [g.op('Cast', [g.op('Gather', [g.op('Shape', [logits]), g.ints([0])])], { to: 1 })]);
}

/** KL(t ‖ softmax(z)) over the rows, mean; dL/dz = (softmax(z) · Σt − t) / rows. 0 · log 0 counts 0 (t is clamped inside the log only). */
function klNodes(g: GraphBuilder, logits: string, targets: string): { value: string; dLogits: string } {
  const perRow = inverseRows(g, logits);
  const logTargets = g.op('Log', [g.op('Max', [targets, g.scalar(1e-30)])]);
  const terms = g.mul(targets, g.sub(logTargets, g.op('LogSoftmax', [logits], { axis: 1 })));
  const value = g.mul(g.reduceSum(terms, [0, 1]), perRow);
  const p = g.op('Softmax', [logits], { axis: 1 });
  const dLogits = g.mul(g.sub(g.mul(p, g.reduceSum(targets, [1], 1)), targets), perRow);
  return { value, dLogits };
}

/** Mean squared error of softmax(z) against t over rows and classes, as PyTorch's MSELoss; back through the softmax. */
function mseNodes(g: GraphBuilder, logits: string, targets: string, classes: number): { value: string; dLogits: string } {
  const perElement = g.mul(inverseRows(g, logits), g.scalar(1 / classes));
  const p = g.op('Softmax', [logits], { axis: 1 });
  const d = g.sub(p, targets);
  const value = g.mul(g.reduceSum(g.mul(d, d), [0, 1]), perElement);
  const dp = g.mul(g.mul(d, g.scalar(2)), perElement);
  const dLogits = g.mul(p, g.sub(dp, g.reduceSum(g.mul(dp, p), [1], 1)));
  return { value, dLogits };
}
