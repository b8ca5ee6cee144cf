/** A trained checkpoint as a self-describing ONNX file: its weights, and everything needed to feed it. */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES, DataError } from '../../core/eeg';
import { APP_VERSION } from '../app-version';
import type { Evaluation } from '../../core/evaluation';
import type { ModelInfo } from '../../core/model-info';
import type { TrainResult } from '../../core/training';
import { exportOnnxFile } from '../onnx/export';
import { readInputFile } from '../formats/input-file';
import { checkpointPath } from '../train/evaluate-folder';
import { readModelCheckpoint } from '../train/model-checkpoint';
import { RUN_FILE } from '../train/run';

/** A run folder's best checkpoint, with the held-out evaluation its run.json holds; or a checkpoint file, with its own KL only. */
export async function exportCheckpoint(runDirOrFile: string, out: string): Promise<ModelInfo> {
  const checkpoint = await checkpointPath(runDirOrFile);
  const { meta, weights } = await readModelCheckpoint(checkpoint);
  const evaluation = checkpoint === runDirOrFile ? undefined : await runEvaluation(runDirOrFile);
  const scale = meta.spec.layers.find((l) => l.kind === 'scale');
  const info: ModelInfo = {
    model: meta.spec.name,
    classes: [...CLASSES],
    sampleRateHz: meta.sampleRateHz,
    windowSamples: meta.windowSamples,
    channels: meta.channels,
    preprocess: meta.preprocess,
    normalisation: scale?.kind === 'scale' ? `µV × ${scale.factor} inside the graph` : 'none',
    dataFingerprint: meta.dataFingerprint,
    validation: {
      epoch: meta.epoch,
      valKL: meta.valKL,
      ...(evaluation ? { valKL10: nullable(evaluation.valKL10), priorKL: evaluation.priorKL, floorKL: evaluation.floorKL ?? null, accuracy: evaluation.accuracy } : {}),
    },
    appVersion: APP_VERSION,
  };
  await exportOnnxFile(out, meta.spec, weights, info);
  return info;
}

const nullable = (v: number) => (Number.isFinite(v) ? v : null);

/** The held-out evaluation run.json records; none when the run has no run.json. A damaged one is refused: its figures would ship in the model. */
async function runEvaluation(runDir: string): Promise<Evaluation | undefined> {
  const path = join(runDir, RUN_FILE);
  if (
    !(await lstat(path).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const text = (await readInputFile(path, 64 * 2 ** 20)).toString('utf8');
  let run: Partial<TrainResult> | null;
  try {
    run = JSON.parse(text) as Partial<TrainResult> | null;
  } catch (err) {
    throw new DataError(path, `not valid JSON (${(err as Error).message}): the run's figures cannot be read`);
  }
  const evaluation = run?.evaluation;
  if (evaluation !== undefined && (typeof evaluation !== 'object' || evaluation === null)) throw new DataError(path, 'its evaluation is not a set of figures');
  return evaluation;
}
