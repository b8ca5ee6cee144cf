/** Reading the processed cache back: the manifest, and any window without touching parquet. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CACHE_RATES_HZ, storedStart, windowSamplesAt } from '../../core/cache-rate';
import { DataError, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { folderLockOwner } from '../folder-lock';
import { readNpyFloat32Slice } from '../formats/npy';
import { CACHE_FORMAT, CACHE_VERSION, MANIFEST_FILE, type CacheManifest, type CacheWindow } from './build';

export async function readCacheManifest(cacheDir: string): Promise<CacheManifest> {
  const path = join(cacheDir, MANIFEST_FILE);
  let parsed: CacheManifest;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as CacheManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError(cacheDir, await whyNoManifest(cacheDir));
    throw new DataError(path, `not a readable cache manifest (${(err as Error).message})`);
  }
  if (parsed.format !== CACHE_FORMAT || parsed.version !== CACHE_VERSION) {
    throw new DataError(path, `not an ${CACHE_FORMAT} v${CACHE_VERSION} manifest`);
  }
  // Caches built before the rate was a choice hold 200-Hz samples.
  const sampleRateHz = parsed.sampleRateHz ?? HMS_SAMPLE_RATE_HZ;
  if (!CACHE_RATES_HZ.includes(sampleRateHz) || parsed.windowSamples !== windowSamplesAt(sampleRateHz)) {
    throw new DataError(path, `a cache of ${parsed.windowSamples}-sample windows at ${sampleRateHz} Hz; a cache holds 50-s windows at ${CACHE_RATES_HZ.join(' or ')} Hz`);
  }
  return { ...parsed, sampleRateHz };
}

/** A build removes the manifest first and writes it last (see build.ts): a cache without one is being built, or its build stopped. */
async function whyNoManifest(cacheDir: string): Promise<string> {
  const builder = await folderLockOwner(cacheDir);
  if (builder) return `the cache is being built (${builder.purpose} by process ${builder.pid} since ${builder.since}); wait for it to finish`;
  return `not a finished cache: it has no ${MANIFEST_FILE} (never built here, or its build was stopped); build it again with hms preprocess`;
}

/** The preprocessed window, [channels][windowSamples], at the cache's rate. */
export async function readCachedWindow(cacheDir: string, manifest: CacheManifest, window: CacheWindow): Promise<Float32Array[]> {
  const recording = manifest.recordings.find((r) => r.eegId === window.eegId);
  if (!recording) throw new DataError(cacheDir, `EEG ${window.eegId} is not in the cache`);
  const start = storedStart(window.startSample, manifest.sampleRateHz);
  return readNpyFloat32Slice(join(cacheDir, recording.file), start, start + manifest.windowSamples);
}
