/**
 * Training data from the processed cache: every usable labelled window, the preprocessed
 * recordings they lie in (read on demand under a memory budget, window-store.ts — a time shift
 * takes its context from the recording, not from zero padding), patient-grouped folds, and batches
 * in the models' layout [rows, samples, channels] with augmentation, at the cache's rate (200 or
 * 50 Hz: core/cache-rate.ts).
 */
import { decimationOf, storedStart } from '../../core/cache-rate';
import { DataError } from '../../core/eeg';
import { BIPOLAR_MIRROR_PAIRS, montageChannelNames } from '../../core/montage';
import type { CacheManifest, CacheWindow } from '../cache/build';
import { readCacheManifest } from '../cache/read';
import { Random } from '../../core/random';
import { type SampleSpan, WindowStore } from './window-store';

export interface TrainingSet {
  cacheDir: string;
  manifest: CacheManifest;
  /** Usable windows (the NaN policy's rejects left out), in manifest order. */
  windows: CacheWindow[];
  /** The preprocessed recordings, channel-major, read as windows need them. */
  store: WindowStore;
  channels: number;
  /** Stored samples of a window: 10,000 at 200 Hz, 2,500 at 50 Hz. */
  windowSamples: number;
}

/** The cache's usable windows; their samples are read later, `memoryBudgetBytes` at most held (window-store.ts). */
export async function loadTrainingSet(cacheDir: string, memoryBudgetBytes?: number): Promise<TrainingSet> {
  const manifest = await readCacheManifest(cacheDir);
  const cached = new Set(manifest.recordings.map((r) => r.eegId));
  const windows = manifest.windows.filter((w) => !w.rejected && cached.has(w.eegId));
  if (!windows.length) throw new DataError(cacheDir, 'the cache holds no usable labelled window');
  const store = await WindowStore.open(cacheDir, manifest, memoryBudgetBytes);
  return { cacheDir, manifest, windows, store, channels: manifest.channels.length, windowSamples: manifest.windowSamples };
}

/**
 * A fold per window, patients never split: patients are shuffled by `seed`, then each goes to the
 * fold with the fewest windows so far, largest patients first, so folds are near equal in size.
 */
export function patientFolds(windows: readonly { patientId: string }[], folds: number, seed: number): number[] {
  const sizes = new Map<string, number>();
  for (const w of windows) sizes.set(w.patientId, (sizes.get(w.patientId) ?? 0) + 1);
  if (sizes.size < folds) throw new Error(`${folds} folds need at least ${folds} patients; the data has ${sizes.size}`);
  const rng = new Random(seed);
  const patients = [...sizes.keys()].sort();
  for (let i = patients.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [patients[i], patients[j]] = [patients[j], patients[i]];
  }
  patients.sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  const load = new Array<number>(folds).fill(0);
  const foldOf = new Map<string, number>();
  for (const p of patients) {
    const f = load.indexOf(Math.min(...load));
    foldOf.set(p, f);
    load[f] += sizes.get(p)!;
  }
  return windows.map((w) => foldOf.get(w.patientId)!);
}

export interface Augmentation {
  /**
   * Largest random shift of the window in time, in samples at 200 Hz (the labelled 10 s stays
   * inside for < 20 s); a 50-Hz cache shifts by whole stored samples, steps of 4 at 200 Hz.
   */
  shiftSamples: number;
  /** Mirror left and right chains with probability ½ (the classes name no side). */
  swapHemispheres: boolean;
  /** Negate the signals with probability ½ (polarity carries no class). */
  flipSign: boolean;
  /** Multiply the window by a factor drawn log-uniformly from [1 / scale, scale] (amplitudes differ between patients and amplifiers); 1: off. */
  scale: number;
}

export const NO_AUGMENTATION: Augmentation = { shiftSamples: 0, swapHemispheres: false, flipSign: false, scale: 1 };
export const DEFAULT_AUGMENTATION: Augmentation = { shiftSamples: 800, swapHemispheres: true, flipSign: true, scale: 1.25 };

/** Row permutation that mirrors the double banana: LL ↔ RL, LP ↔ RP; midline and EKG stay. Null for other montages. */
export function hemisphereMirror(channelNames: readonly string[]): number[] | null {
  const bipolar = montageChannelNames('bipolar');
  if (channelNames.length !== bipolar.length || channelNames.some((c, i) => c !== bipolar[i])) return null;
  const mirror = channelNames.map((_, i) => i);
  for (const [left, right] of BIPOLAR_MIRROR_PAIRS) {
    mirror[left] = right;
    mirror[right] = left;
  }
  return mirror;
}

/** Where window `w` starts among the cache's stored samples (labels count samples at 200 Hz). */
export function windowStart(set: TrainingSet, w: CacheWindow): number {
  return storedStart(w.startSample, set.manifest.sampleRateHz);
}

/** The largest shift `augmentation` allows, in the cache's stored samples. */
function shiftLimit(set: TrainingSet, augmentation: Augmentation): number {
  return Math.floor(augmentation.shiftSamples / decimationOf(set.manifest.sampleRateHz));
}

/** The samples windows `rows` may be cut from: each window and, when augmenting, its shift context either side. */
export function batchSpans(set: TrainingSet, rows: readonly CacheWindow[], augmentation: Augmentation): SampleSpan[] {
  const shift = shiftLimit(set, augmentation);
  return rows.map((w) => ({ eegId: w.eegId, from: windowStart(set, w) - shift, to: windowStart(set, w) + set.windowSamples + shift }));
}

/** Reads what `fillBatch` will need for `rows` (batchSpans). */
export function loadBatch(set: TrainingSet, rows: readonly CacheWindow[], augmentation: Augmentation): Promise<void> {
  return set.store.load(batchSpans(set, rows, augmentation));
}

/**
 * Writes windows `rows` of `set` into x [rows, samples, channels] and their targets into y; their
 * samples must be loaded (`loadBatch` with the same augmentation). With `rng`, each is shifted,
 * mirrored and negated at random as `augmentation` allows.
 */
export function fillBatch(set: TrainingSet, rows: readonly CacheWindow[], x: Float32Array, y: Float32Array, augmentation: Augmentation, rng: Random | null): void {
  const { channels, windowSamples, store } = set;
  const mirror = augmentation.swapHemispheres ? hemisphereMirror(set.manifest.channels) : null;
  const shiftSamples = shiftLimit(set, augmentation);
  rows.forEach((w, r) => {
    const length = store.samples(w.eegId);
    let start = windowStart(set, w);
    if (rng && shiftSamples > 0) {
      const shift = rng.int(-shiftSamples, shiftSamples);
      start = Math.min(Math.max(start + shift, 0), length - windowSamples);
    }
    const rowMap = rng && mirror && rng.next() < 0.5 ? mirror : null;
    const flip = rng && augmentation.flipSign && rng.next() < 0.5 ? -1 : 1;
    const scale = rng && augmentation.scale > 1 ? flip * augmentation.scale ** rng.uniform(-1, 1) : flip;
    const out = x.subarray(r * windowSamples * channels, (r + 1) * windowSamples * channels);
    for (let c = 0; c < channels; c++) store.copy(w.eegId, rowMap ? rowMap[c] : c, start, windowSamples, out, { offset: c, stride: channels, scale });
    y.set(w.target, r * w.target.length);
  });
}
