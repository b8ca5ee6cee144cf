/** A trainer's predictions for labelled windows of the cache, and those windows as rows to evaluate. */
import type { EvaluatedRow } from '../../core/evaluation';
import type { CacheWindow } from '../cache/build';
import type { BatchFeeder } from './batch-feeder';
import { NO_AUGMENTATION } from './data';
import type { Trainer } from './trainer-interface';

/** Probabilities of every window, `batch` at a time (no augmentation), the next batch assembled while one is predicted; `onProgress` after each batch. */
export async function predictWindows(
  trainer: Trainer,
  feeder: BatchFeeder,
  windows: readonly CacheWindow[],
  batch: number,
  onProgress?: (done: number, total: number) => void,
): Promise<number[][]> {
  const out: number[][] = [];
  const assemble = (i: number) => feeder.assemble(windows.slice(i, i + batch), NO_AUGMENTATION, null);
  let next = assemble(0);
  try {
    for (let i = 0; i < windows.length; i += batch) {
      const { x, y } = await next;
      const rows = y.length / 6;
      if (i + batch < windows.length) next = assemble(i + batch);
      const p = await trainer.predict(x, rows);
      for (let r = 0; r < rows; r++) out.push(Array.from(p.subarray(r * 6, r * 6 + 6)));
      onProgress?.(out.length, windows.length);
    }
    return out;
  } finally {
    // A batch still being assembled when a prediction fails has nobody left to hear its outcome.
    next.catch(() => {});
  }
}

export function evaluatedRows(windows: readonly CacheWindow[], predictions: readonly number[][], truth?: Map<string, number[]> | null): EvaluatedRow[] {
  return windows.map((w, i) => ({ target: w.target, totalVotes: w.totalVotes, prediction: predictions[i], ...(truth?.has(w.labelId) ? { truth: truth.get(w.labelId) } : {}) }));
}
