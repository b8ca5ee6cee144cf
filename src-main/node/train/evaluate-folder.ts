/**
 * Evaluates a model on a labelled dataset folder: every usable window of the folder, preprocessed
 * as the model was trained, predicted, and scored against the experts (and the truth, for
 * built-in data). The prior baseline is the folder's own class prior — the best constant answer
 * for those very rows, so a model must beat it to have learned anything. Trained weights are
 * scored here; an ONNX model is scored the same way by infer/evaluate-onnx.ts.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../core/eeg';
import { evaluate, type Evaluation } from '../../core/evaluation';
import { classPrior } from '../../core/metrics';
import type { PreprocessSpec } from '../../core/preprocess';
import { buildCache, type CacheManifest } from '../cache/build';
import { startsAsCheckpoint } from './checkpoint';
import { loadTrainingSet, type TrainingSet } from './data';
import { evaluatedRows, predictWindows } from './predict-windows';
import { readModelCheckpoint } from './model-checkpoint';
import { BEST_CHECKPOINT } from './run-folder';
import { startTrainer } from './trainer';
import { readTruth } from './truth';

export interface FolderEvaluation {
  model: string;
  /** What was scored: a checkpoint (a run folder's best) or an ONNX model file. */
  format: 'checkpoint' | 'onnx';
  file: string;
  /** The epoch the weights come from; absent when the file does not say. */
  epoch?: number;
  windows: number;
  backend: { name: string; threads?: number };
  evaluation: Evaluation;
}

export interface FolderEvaluationOptions {
  /** Where the folder's cache is built (kept); a temporary folder, removed after, when absent. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Windows predicted at a time: the progress step, and the trainer's batch. */
export const EVALUATION_BATCH = 32;

/** Why a cache holds no usable window, from its first rejected window or skipped EEG. */
function unusableReason(manifest: CacheManifest): string {
  const skipped = manifest.skipped[0];
  if (skipped && manifest.recordings.length === 0) return `no EEG could be read (${skipped.file}: ${skipped.reason.replace(`${skipped.file}: `, '')})`;
  const rejected = manifest.windows.find((w) => w.rejected);
  return rejected ? `all ${manifest.windows.length} are rejected (EEG ${rejected.eegId}: ${rejected.rejected})` : 'train.csv lists none';
}

/** The checkpoint file of a run folder, or the file itself. */
export async function checkpointPath(runDirOrFile: string): Promise<string> {
  const info = await stat(runDirOrFile).catch(() => null);
  if (!info) throw new DataError(runDirOrFile, 'no such run folder or checkpoint');
  return info.isDirectory() ? join(runDirOrFile, BEST_CHECKPOINT) : runDirOrFile;
}

/** What a model argument is, told by the file itself: a folder is a run (its best checkpoint), a file is a checkpoint by its first bytes, else an ONNX model. */
export async function modelFile(path: string): Promise<{ format: FolderEvaluation['format']; file: string }> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new DataError(path, 'no such run folder, checkpoint or model file');
  if (info.isDirectory()) return { format: 'checkpoint', file: join(path, BEST_CHECKPOINT) };
  return { format: info.isFile() && (await startsAsCheckpoint(path)) ? 'checkpoint' : 'onnx', file: path };
}

/** A model's probabilities for every window of a set, in order, and what computed them. */
export type SetPredictor = (set: TrainingSet) => Promise<{ probabilities: number[][]; backend: FolderEvaluation['backend'] }>;

/** Every usable window of `folder` cached with `preprocess`, predicted and scored. */
export async function scoreOnFolder(
  folder: string,
  preprocess: PreprocessSpec,
  predict: SetPredictor,
  options: FolderEvaluationOptions,
): Promise<Pick<FolderEvaluation, 'windows' | 'backend' | 'evaluation'>> {
  const cacheDir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'hms-evaluate-')));
  try {
    const built = await buildCache(folder, cacheDir, { spec: preprocess, signal: options.signal });
    if (!built.manifest) throw new Error('cancelled');
    // Said of the user's folder: the cache may be a temporary one they never named.
    if (!built.manifest.windows.some((w) => !w.rejected)) throw new DataError(folder, `no labelled window can be evaluated: ${unusableReason(built.manifest)}`);
    const set = await loadTrainingSet(cacheDir);
    const { probabilities, backend } = await predict(set);
    const rows = evaluatedRows(set.windows, probabilities, await readTruth(folder));
    return { windows: rows.length, backend, evaluation: evaluate(rows, classPrior(set.windows.map((w) => w.target))) };
  } finally {
    if (!options.cacheDir) await rm(cacheDir, { recursive: true, force: true });
  }
}

export async function evaluateCheckpointOnFolder(runDirOrFile: string, folder: string, options: FolderEvaluationOptions = {}): Promise<FolderEvaluation> {
  const checkpoint = await checkpointPath(runDirOrFile);
  const { meta, weights } = await readModelCheckpoint(checkpoint);
  // The trainer starts once the cache is built: not holding its memory while the workers preprocess.
  const predict: SetPredictor = async (set) => {
    const trainer = await startTrainer({ spec: meta.spec, maxBatch: EVALUATION_BATCH });
    try {
      trainer.weights.set(weights);
      const probabilities = await predictWindows(trainer, set, set.windows, EVALUATION_BATCH, options.onProgress);
      return { probabilities, backend: { name: trainer.backend.name, threads: trainer.backend.threads } };
    } finally {
      await trainer.close();
    }
  };
  const scored = await scoreOnFolder(folder, meta.preprocess, predict, options);
  return { model: meta.spec.name, format: 'checkpoint', file: checkpoint, epoch: meta.epoch, ...scored };
}
