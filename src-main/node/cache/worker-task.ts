/** What the main thread asks a cache worker to do for one EEG, and what it answers. */
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
}

export interface CacheTaskResult {
  eegId: string;
  samples: number;
  sourceBytes: number;
  sourceSha1: string;
  /** Windows the NaN policy rejects, with the reason; all others are usable. */
  rejected: { labelId: string; reason: string }[];
}
