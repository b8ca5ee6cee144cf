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
import { buildCache } from '../cache/build';
import { readCheckpoint } from './checkpoint';
import { fillBatch, loadTrainingSet, NO_AUGMENTATION } from './data';
import { BEST_CHECKPOINT, type ModelCheckpointMeta } from './run';
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
  const { meta, arrays } = await readCheckpoint<ModelCheckpointMeta>(checkpoint);
  const cacheDir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'hms-evaluate-')));
  try {
    const built = await buildCache(folder, cacheDir, { spec: meta.preprocess, signal: options.signal });
    if (!built.manifest) throw new Error('cancelled');
    const set = await loadTrainingSet(cacheDir);
    const { samples, channels } = meta.spec.input;
    const batch = 32;
    const trainer = await startTrainer({ spec: meta.spec, maxBatch: batch });
    try {
      trainer.weights.set(arrays.weights);
      const x = new Float32Array(batch * samples * channels);
      const y = new Float32Array(batch * 6);
      const predictions: number[][] = [];
      for (let i = 0; i < set.windows.length; i += batch) {
        const rows = set.windows.slice(i, i + batch);
        fillBatch(set, rows, x, y, NO_AUGMENTATION, null);
        const p = await trainer.predict(x.subarray(0, rows.length * samples * channels), rows.length);
        for (let r = 0; r < rows.length; r++) predictions.push(Array.from(p.subarray(r * 6, r * 6 + 6)));
        options.onProgress?.(predictions.length, set.windows.length);
      }
      const truth = await readTruth(folder);
      const rows = set.windows.map((w, i) => ({ target: w.target, totalVotes: w.totalVotes, prediction: predictions[i], ...(truth?.has(w.labelId) ? { truth: truth.get(w.labelId) } : {}) }));
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
