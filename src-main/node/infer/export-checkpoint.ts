/** A trained checkpoint as a self-describing ONNX file: its weights, and everything needed to feed it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES } from '../../core/eeg';
import { APP_VERSION } from '../app-version';
import type { Evaluation } from '../../core/evaluation';
import type { ModelInfo } from '../../core/model-info';
import type { TrainResult } from '../../core/training';
import { exportOnnxFile } from '../onnx/export';
import { readCheckpoint } from '../train/checkpoint';
import { checkpointPath } from '../train/evaluate-folder';
import { type ModelCheckpointMeta, RUN_FILE } from '../train/run';

/** A run folder's best checkpoint, with the held-out evaluation its run.json holds; or a checkpoint file, with its own KL only. */
export async function exportCheckpoint(runDirOrFile: string, out: string): Promise<ModelInfo> {
  const checkpoint = await checkpointPath(runDirOrFile);
  const { meta, arrays } = await readCheckpoint<ModelCheckpointMeta>(checkpoint);
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
  await exportOnnxFile(out, meta.spec, arrays.weights, info);
  return info;
}

const nullable = (v: number) => (Number.isFinite(v) ? v : null);

async function runEvaluation(runDir: string): Promise<Evaluation | undefined> {
  const text = await readFile(join(runDir, RUN_FILE), 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as Partial<TrainResult>).evaluation : undefined;
}
