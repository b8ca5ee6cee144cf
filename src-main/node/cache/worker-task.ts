/** What the main thread asks a cache worker to do for one EEG, what it answers, and what it leaves beside the .npy. */
import type { PreprocessSpec } from '../../core/preprocess';
import type { NpyDtype } from '../formats/npy';

export interface CacheTask {
  eegId: string;
  sourcePath: string;
  outPath: string;
  spec: PreprocessSpec;
  windows: { labelId: string; startSample: number }[];
  maxMissing: number;
  dtype: NpyDtype;
  /** The rate the samples are stored at: 200, or 50 (the mean of each 4). */
  rateHz: number;
  /** The build's settings (spec, maxMissing, version, dtype, rate) as JSON, and the source's mtime: kept in the sidecar. */
  params: string;
  sourceMtimeMs: number;
}

export interface CacheTaskResult {
  eegId: string;
  /** Samples stored per channel, at the task's rate. */
  samples: number;
  sourceBytes: number;
  sourceSha1: string;
  /** Windows the NaN policy rejects, with the reason; all others are usable. */
  rejected: { labelId: string; reason: string }[];
}

/**
 * Beside each finished `.npy`, written after it: the build it belongs to, and its result, so a
 * later build with the same settings over the same source takes it as done.
 */
export interface Sidecar {
  params: string;
  sourceMtimeMs: number;
  result: CacheTaskResult;
}

export function sidecarPath(npyPath: string): string {
  return npyPath.replace(/\.npy$/, '.json');
}
