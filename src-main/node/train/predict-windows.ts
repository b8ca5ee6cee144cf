/** A trainer's predictions for labelled windows of the cache, and those windows as rows to evaluate. */
import type { EvaluatedRow } from '../../core/evaluation';
import type { CacheWindow } from '../cache/build';
import { fillBatch, loadBatch, NO_AUGMENTATION, type TrainingSet } from './data';
import type { Trainer } from './trainer-interface';

/** Probabilities of every window, `batch` at a time (no augmentation); `onProgress` after each batch. */
export async function predictWindows(
  trainer: Trainer,
  set: TrainingSet,
  windows: readonly CacheWindow[],
  batch: number,
  onProgress?: (done: number, total: number) => void,
): Promise<number[][]> {
  const x = new Float32Array(batch * set.windowSamples * set.channels);
  const y = new Float32Array(batch * 6);
  const out: number[][] = [];
  for (let i = 0; i < windows.length; i += batch) {
    const rows = windows.slice(i, i + batch);
    await loadBatch(set, rows, NO_AUGMENTATION);
    fillBatch(set, rows, x, y, NO_AUGMENTATION, null);
    const p = await trainer.predict(x.subarray(0, rows.length * set.windowSamples * set.channels), rows.length);
    for (let r = 0; r < rows.length; r++) out.push(Array.from(p.subarray(r * 6, r * 6 + 6)));
    onProgress?.(out.length, windows.length);
  }
  return out;
}

export function evaluatedRows(windows: readonly CacheWindow[], predictions: readonly number[][], truth?: Map<string, number[]> | null): EvaluatedRow[] {
  return windows.map((w, i) => ({ target: w.target, totalVotes: w.totalVotes, prediction: predictions[i], ...(truth?.has(w.labelId) ? { truth: truth.get(w.labelId) } : {}) }));
}
