/**
 * A run's best checkpoint read for use (export, evaluate): its metadata checked against what the
 * weights and the model spec say, so a damaged or hand-edited file is one line naming it, never
 * a TypeError, and never an exported model that asks for a filter of order 1000.
 */
import { DataError } from '../../core/eeg';
import { describeModel, type ModelSpec } from '../../core/models';
import { preprocessSpecProblem } from '../../core/preprocess';
import { readCheckpoint } from './checkpoint';
import type { ModelCheckpointMeta } from './run-folder';

export async function readModelCheckpoint(path: string): Promise<{ meta: ModelCheckpointMeta; weights: Float32Array }> {
  const { meta, arrays } = await readCheckpoint<ModelCheckpointMeta>(path);
  const problem = metaProblem(meta, arrays.weights);
  if (problem) throw new DataError(path, `not a usable checkpoint: ${problem}`);
  return { meta, weights: arrays.weights };
}

function metaProblem(meta: ModelCheckpointMeta | null | undefined, weights: Float32Array | undefined): string | null {
  if (typeof meta !== 'object' || meta === null) return 'it holds no metadata';
  if (!weights) return 'it holds no weights';
  const spec = meta.spec as ModelSpec | undefined;
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.layers) || typeof spec.input !== 'object' || spec.input === null) return 'its metadata has no model spec';
  let parameters: number;
  try {
    parameters = describeModel(spec).parameters;
  } catch (err) {
    return `its model spec cannot be built (${(err as Error).message})`;
  }
  if (weights.length !== parameters) return `model "${spec.name}" has ${parameters} weights; the file holds ${weights.length}`;
  if (!(typeof meta.sampleRateHz === 'number' && meta.sampleRateHz >= 40 && meta.sampleRateHz <= 10_000)) return `a sample rate of ${JSON.stringify(meta.sampleRateHz)} Hz`;
  if (meta.windowSamples !== spec.input.samples) return `windows of ${JSON.stringify(meta.windowSamples)} samples, but the model takes ${spec.input.samples}`;
  if (!Array.isArray(meta.channels) || meta.channels.length !== spec.input.channels || meta.channels.some((c) => typeof c !== 'string')) {
    return `channels ${JSON.stringify(meta.channels)?.slice(0, 60)}, but the model takes ${spec.input.channels}`;
  }
  const preprocess = preprocessSpecProblem(meta.preprocess, meta.sampleRateHz);
  if (preprocess) return `its preprocessing: ${preprocess}`;
  if (!Number.isInteger(meta.epoch) || meta.epoch < 0) return `epoch ${JSON.stringify(meta.epoch)}`;
  return null;
}
