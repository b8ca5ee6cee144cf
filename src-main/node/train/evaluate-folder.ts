/**
 * Evaluates trained weights on a labelled dataset folder: every usable window of the folder,
 * preprocessed as the model was trained, predicted, and scored against the experts (and the truth,
 * for built-in data). The prior baseline is the folder's own class prior — the best constant
 * answer for those very rows, so a model must beat it to have learned anything.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../core/eeg';
import { evaluate, type Evaluation } from '../../core/evaluation';
import { classPrior } from '../../core/metrics';
import type { BackendInfo } from '../../core/training';
import { buildCache, type CacheManifest } from '../cache/build';
import { loadTrainingSet } from './data';
import { evaluatedRows, predictWindows } from './predict-windows';
import { readModelCheckpoint } from './model-checkpoint';
import { BEST_CHECKPOINT } from './run';
import { startTrainer } from './trainer';
import { readTruth } from './truth';

export interface FolderEvaluation {
  model: string;
  checkpoint: string;
  epoch: number;
  windows: number;
  backend: BackendInfo;
  evaluation: Evaluation;
}

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

export async function evaluateCheckpointOnFolder(
  runDirOrFile: string,
  folder: string,
  options: { cacheDir?: string; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<FolderEvaluation> {
  const checkpoint = await checkpointPath(runDirOrFile);
  const { meta, weights } = await readModelCheckpoint(checkpoint);
  const cacheDir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'hms-evaluate-')));
  try {
    const built = await buildCache(folder, cacheDir, { spec: meta.preprocess, signal: options.signal });
    if (!built.manifest) throw new Error('cancelled');
    // Said of the user's folder: the cache may be a temporary one they never named.
    if (!built.manifest.windows.some((w) => !w.rejected)) throw new DataError(folder, `no labelled window can be evaluated: ${unusableReason(built.manifest)}`);
    const set = await loadTrainingSet(cacheDir);
    const batch = 32;
    const trainer = await startTrainer({ spec: meta.spec, maxBatch: batch });
    try {
      trainer.weights.set(weights);
      const predictions = await predictWindows(trainer, set, set.windows, batch, options.onProgress);
      const rows = evaluatedRows(set.windows, predictions, await readTruth(folder));
      return {
        model: meta.spec.name,
        checkpoint,
        epoch: meta.epoch,
        windows: rows.length,
        backend: trainer.backend,
        evaluation: evaluate(rows, classPrior(set.windows.map((w) => w.target))),
      };
    } finally {
      await trainer.close();
    }
  } finally {
    if (!options.cacheDir) await rm(cacheDir, { recursive: true, force: true });
  }
}
