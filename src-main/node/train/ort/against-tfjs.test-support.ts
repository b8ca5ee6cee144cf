/**
 * For the training-graph tests: one step's loss and gradients of a spec on onnxruntime (the
 * compiled graph) and on tfjs's `cpu` backend (plain loops, the reference), from the same weights,
 * inputs and dropout masks, and how far apart they are, weight by weight.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describeModel, type ModelSpec } from '../../../core/models';
import { syntheticBatch } from '../../bench/train-bench';
import { buildModel, readWeights, writeWeights } from '../build-model';
import { lossAndGradients } from '../gradients';
import type { LossKind } from '../loss';
import { compileTrainingGraph, gradientName, INPUT, LOSS, maskName, TARGETS } from './compile';
import { drawMasks } from './dropout';
import type { Upsampling } from './graph-builder';

export interface StepResult {
  loss: number;
  /** Every weight's gradient (or batch statistic), by name. */
  grads: Map<string, Float32Array>;
}

/** The first training step of `buildModel(spec, seed)` on tfjs's cpu backend. */
export async function tfjsStep(
  spec: ModelSpec,
  seed: number,
  rows: number,
  loss: LossKind,
  edit?: (weights: Float32Array) => void,
): Promise<StepResult & { weights: Float32Array }> {
  await tf.setBackend('cpu');
  const model = buildModel(spec, seed);
  const weights = new Float32Array(model.description.parameters);
  readWeights(model, weights);
  if (edit) {
    edit(weights);
    writeWeights(model, weights);
  }
  const grads = new Float32Array(weights.length);
  const { x, y } = syntheticBatch(spec, rows, seed + 1);
  const value = lossAndGradients(model, x, y, rows, rows, grads, loss);
  model.dispose();
  return { loss: value, grads: byName(spec, grads), weights };
}

/** The same step on onnxruntime, from `weights` (flat, describeModel order). */
export async function ortStep(spec: ModelSpec, seed: number, rows: number, loss: LossKind, weights: Float32Array, upsampling: Upsampling = 'matmul'): Promise<StepResult> {
  const graph = compileTrainingGraph(spec, loss, upsampling);
  const session = await ort.InferenceSession.create(graph.bytes);
  const { x, y } = syntheticBatch(spec, rows, seed + 1);
  const feeds: Record<string, ort.Tensor> = {
    [INPUT]: new ort.Tensor('float32', x, [rows, spec.input.samples, spec.input.channels]),
    [TARGETS]: new ort.Tensor('float32', y, [rows, y.length / rows]),
  };
  let offset = 0;
  for (const w of describeModel(spec).layers.flatMap((l) => l.weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (graph.weights.has(w.name)) feeds[w.name] = new ort.Tensor('float32', weights.slice(offset, offset + size), w.shape);
    offset += size;
  }
  drawMasks(graph.masks, rows, seed, 1).forEach((mask, i) => {
    const m = graph.masks[i];
    feeds[maskName(m.layer)] = new ort.Tensor('float32', mask, [rows * m.split, ...m.shape]);
  });
  const out = await session.run(feeds);
  const grads = new Map<string, Float32Array>();
  for (const w of describeModel(spec).layers.flatMap((l) => l.weights)) grads.set(w.name, out[gradientName(w.name)].data as Float32Array);
  const value = (out[LOSS].data as Float32Array)[0];
  await session.release();
  return { loss: value, grads };
}

function byName(spec: ModelSpec, flat: Float32Array): Map<string, Float32Array> {
  const grads = new Map<string, Float32Array>();
  let offset = 0;
  for (const w of describeModel(spec).layers.flatMap((l) => l.weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    grads.set(w.name, flat.slice(offset, offset + size));
    offset += size;
  }
  return grads;
}

/** max |ours − reference| / max |reference|, per weight; Infinity for a length that differs. */
export function relativeErrors(ours: Map<string, Float32Array>, reference: Map<string, Float32Array>): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const [name, ref] of reference) {
    const got = ours.get(name);
    if (!got || got.length !== ref.length) {
      errors[name] = Infinity;
      continue;
    }
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < ref.length; i++) {
      scale = Math.max(scale, Math.abs(ref[i]));
      diff = Math.max(diff, Math.abs(got[i] - ref[i]));
    }
    errors[name] = diff / Math.max(scale, 1e-30);
  }
  return errors;
}

const largest = (values: Float32Array | undefined) => (values ?? new Float32Array()).reduce((m: number, v) => Math.max(m, Math.abs(v)), 0);

/** The step on both engines: the loss's relative difference, each gradient's relative error and both engines' largest |value| of it. */
export async function compareStep(
  spec: ModelSpec,
  { seed = 3, rows = 3, loss = 'kl' as LossKind, edit = undefined as ((weights: Float32Array) => void) | undefined, upsampling = 'matmul' as Upsampling } = {},
): Promise<{ loss: number; grads: Record<string, number>; scales: Record<string, { reference: number; ours: number }> }> {
  const reference = await tfjsStep(spec, seed, rows, loss, edit);
  const ours = await ortStep(spec, seed, rows, loss, reference.weights, upsampling);
  const scales = Object.fromEntries([...reference.grads].map(([name, r]) => [name, { reference: largest(r), ours: largest(ours.grads.get(name)) }]));
  return { loss: Math.abs(ours.loss - reference.loss) / Math.abs(reference.loss), grads: relativeErrors(ours.grads, reference.grads), scales };
}
