/**
 * The processed cache: every EEG of a dataset folder preprocessed once, stored as
 * `eegs/<eegId>.npy` (float32 or, asked for, float16 [channels, samples], memory-mappable by numpy;
 * at 200 Hz or, asked for, 50 Hz: core/cache-rate.ts), with a manifest of
 * shapes, parameters, source hashes and every labelled window. Built in parallel; resumable,
 * because each finished EEG leaves a sidecar `.json` and an unchanged source is not redone.
 * One build at a time holds the folder (see folder-lock.ts), and the manifest goes first: a build
 * killed half-way leaves no manifest over a mix of old and new `.npy` files, so nothing trains on it.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { decimationOf, windowSamplesAt } from '../../core/cache-rate';
import { DataError, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { labelledWindows, type LabelledWindow, type TrainRow, windowsByEeg } from '../../core/dataset';
import { DEFAULT_PREPROCESS, type PreprocessSpec } from '../../core/preprocess';
import { montageChannelNames } from '../../core/montage';
import { eegPath, type HmsFolder, openHmsFolder } from '../formats/hms-folder';
import type { NpyDtype } from '../formats/npy';
import { lockFolder } from '../folder-lock';
import { writeFileAtomic } from '../fs-atomic';
import { runPool } from '../workers/pool';
import { startWorker } from '../workers/entries';
import { type CacheTask, type CacheTaskResult, type Sidecar, sidecarPath } from './worker-task';

export const CACHE_FORMAT = 'hms-studio-cache';
/** 2: chains of a missing or flat electrode are zeros, and windows are judged by them (core/quality.ts eegWindowQuality). */
export const CACHE_VERSION = 2;
export const MANIFEST_FILE = 'manifest.json';

export interface CacheWindow extends LabelledWindow {
  /** Why the NaN policy (or the recording's length) rules this window out; absent when usable. */
  rejected?: string;
}

export interface CacheManifest {
  format: typeof CACHE_FORMAT;
  version: number;
  createdAt: string;
  source: string;
  preprocess: PreprocessSpec;
  maxMissing: number;
  channels: string[];
  /** The rate the samples are stored at (core/cache-rate.ts); windows' `startSample` count samples at the labels' 200 Hz all the same. */
  sampleRateHz: number;
  /** Stored samples of one window: 10,000 at 200 Hz, 2,500 at 50 Hz. */
  windowSamples: number;
  /** How the samples are stored; either reads back as float32. */
  dtype: NpyDtype;
  recordings: { eegId: string; file: string; shape: [number, number]; source: { file: string; bytes: number; sha1: string } }[];
  windows: CacheWindow[];
  skipped: { eegId: string; file: string; reason: string }[];
}

export interface BuildOptions {
  spec?: PreprocessSpec;
  maxMissing?: number;
  /** float16 halves the cache, within 2^-11 of each sample (core/float16.ts); float32 by default. */
  dtype?: NpyDtype;
  /** 50 stores the mean of each 4 samples, chainnet's input rate: a quarter of the cache (core/cache-rate.ts); 200 by default. */
  rateHz?: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; skipped: number; resumed: number }) => void;
}

export interface BuildResult {
  /** Null when the build was cancelled before every recording was done. */
  manifest: CacheManifest | null;
  done: number;
  total: number;
  resumed: number;
}

export async function buildCache(folderPath: string, outDir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const folder = await openHmsFolder(folderPath);
  if (!folder.train) throw new DataError(folderPath, 'no train.csv: the cache holds labelled windows');
  const lock = await lockFolder(outDir, 'preprocessing');
  try {
    await rm(join(outDir, MANIFEST_FILE), { force: true });
    return await buildLocked(folderPath, { ...folder, train: folder.train }, outDir, opts);
  } finally {
    await lock.release();
  }
}

async function buildLocked(folderPath: string, folder: HmsFolder & { train: TrainRow[] }, outDir: string, opts: BuildOptions): Promise<BuildResult> {
  const spec = opts.spec ?? DEFAULT_PREPROCESS;
  const maxMissing = opts.maxMissing ?? 0.2;
  const dtype = opts.dtype ?? 'float32';
  const rateHz = opts.rateHz ?? HMS_SAMPLE_RATE_HZ;
  decimationOf(rateHz); // throws for a rate no cache is stored at, before any worker starts
  const windows = labelledWindows(folder.train);
  const byEeg = windowsByEeg(windows);

  const eegDir = join(outDir, 'eegs');
  await mkdir(eegDir, { recursive: true });
  await removeStaleTemps(eegDir);
  const params = JSON.stringify({ spec, maxMissing, version: CACHE_VERSION, dtype, rateHz });

  const results = new Map<string, CacheTaskResult>();
  const skipped: CacheManifest['skipped'] = [];
  const todo: CacheTask[] = [];
  for (const [eegId, ws] of byEeg) {
    const sourcePath = eegPath(folder, 'train', eegId);
    const outPath = join(eegDir, `${eegId}.npy`);
    const src = await stat(sourcePath).catch(() => null);
    if (!src) {
      skipped.push({ eegId, file: sourcePath, reason: 'file not found' });
      continue;
    }
    const previous = await readSidecar(outPath);
    if (previous && previous.params === params && previous.sourceMtimeMs === src.mtimeMs && previous.result.sourceBytes === src.size) {
      results.set(eegId, previous.result);
      continue;
    }
    todo.push({
      eegId,
      sourcePath,
      outPath,
      spec,
      maxMissing,
      dtype,
      rateHz,
      params,
      sourceMtimeMs: src.mtimeMs,
      windows: ws.map((w) => ({ labelId: w.labelId, startSample: w.startSample })),
    });
  }

  const total = byEeg.size;
  const resumed = results.size;
  const report = () => opts.onProgress?.({ done: results.size + skipped.length, total, skipped: skipped.length, resumed });
  report();
  await runPool<CacheTask, CacheTaskResult>({
    spawn: () => startWorker('cache-worker'),
    tasks: todo,
    threads: opts.threads,
    signal: opts.signal,
    onResult: async (task, reply) => {
      // The worker wrote the file's sidecar after its .npy.
      if (reply.ok) results.set(task.eegId, reply.result);
      else {
        skipped.push({ eegId: task.eegId, file: task.sourcePath, reason: reply.error });
      }
      report();
    },
  });

  const cancelled = results.size + skipped.length < total;
  if (cancelled) return { manifest: null, done: results.size, total, resumed };

  const manifest: CacheManifest = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    createdAt: new Date().toISOString(),
    source: folderPath,
    preprocess: spec,
    maxMissing,
    channels: montageChannelNames(spec.montage),
    sampleRateHz: rateHz,
    windowSamples: windowSamplesAt(rateHz),
    dtype,
    recordings: [...results.values()].map((r) => ({
      eegId: r.eegId,
      file: `eegs/${r.eegId}.npy`,
      shape: [montageChannelNames(spec.montage).length, r.samples],
      source: { file: relative(folderPath, eegPath(folder, 'train', r.eegId)), bytes: r.sourceBytes, sha1: r.sourceSha1 },
    })),
    windows: windows.map((w) => {
      const result = results.get(w.eegId);
      const rejected = result ? result.rejected.find((r) => r.labelId === w.labelId)?.reason : 'the recording could not be read';
      return rejected ? { ...w, rejected } : w;
    }),
    skipped,
  };
  await writeFileAtomic(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return { manifest, done: results.size, total, resumed };
}

/**
 * Removes the temp files of a build killed between writing a file and renaming it into place
 * (fs-atomic.ts): the folder is locked, so no other build is writing one.
 */
async function removeStaleTemps(eegDir: string): Promise<void> {
  const names = await readdir(eegDir);
  await Promise.all(names.filter((n) => n.endsWith('.tmp')).map((n) => rm(join(eegDir, n), { force: true })));
}

async function readSidecar(npyPath: string): Promise<Sidecar | null> {
  try {
    const [text, npy] = await Promise.all([readFile(sidecarPath(npyPath), 'utf8'), stat(npyPath)]);
    return npy.isFile() ? (JSON.parse(text) as Sidecar) : null;
  } catch {
    return null;
  }
}
