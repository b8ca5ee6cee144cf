/**
 * Training at HMS scale in bounded memory: synthetic caches of 1×, 3× and 10× a base size, each
 * trained for two epochs in a training process of its own under one memory budget smaller than
 * the smallest cache; its peak RSS and its second epoch's samples/s (the first warms the page
 * cache and the budget) per size. Then the 1× cache again with a budget that holds all of it, the
 * in-memory rate, alternating with the streamed one so both see the same machine.
 *
 * The caches are noise in the cache's layout, not preprocessed EEG: memory and speed do not depend
 * on the values, and writing them takes seconds where generating and preprocessing would take
 * minutes.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSES, HMS_SAMPLE_RATE_HZ, WINDOW_SAMPLES } from '../../core/eeg';
import { montageChannelNames } from '../../core/montage';
import { DEFAULT_PREPROCESS } from '../../core/preprocess';
import { Random } from '../../core/random';
import { DEFAULT_TRAIN_CONFIG, type TrainResult } from '../../core/training';
import { CACHE_FORMAT, CACHE_VERSION, type CacheManifest, type CacheWindow, MANIFEST_FILE } from '../cache/build';
import { encodeNpyFloat32 } from '../formats/npy';
import { startTrainingProcess } from '../train/process';
import { median } from './median';

export interface ScaleBenchOptions {
  /** Recordings in the 1× cache; each is RECORDING_SEC long with WINDOWS_PER_RECORDING windows. */
  baseRecordings?: number;
  factors?: readonly number[];
  memoryBudgetMb?: number;
  /** Rounds of streamed then in-memory training on the 1× cache; each round's ratio is of two runs side by side in time. */
  rounds?: number;
  signal?: AbortSignal;
  onStatus?: (line: string) => void;
}

export interface ScaleBenchResult {
  /** Cache size on disk by factor, MB. */
  cacheMb: Record<string, number>;
  trainRssMb: Record<string, number>;
  trainSamplesPerSec: Record<string, number>;
  memoryBudgetMb: number;
  /** The 1× cache with a budget that holds it whole (median of the rounds). */
  inMemorySamplesPerSec: number;
  /**
   * Streamed 1× samples/s ÷ in-memory: the median over the rounds of each round's ratio, its two
   * runs one after the other — a few steps an epoch, so one busy moment moves a single round's.
   */
  streamedPerInMemory: number;
}

const RECORDING_SEC = 300;
const WINDOWS_PER_RECORDING = 4;
const CHANNELS = montageChannelNames('bipolar');

export async function benchScale(o: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const base = o.baseRecordings ?? 40;
  const factors = o.factors ?? [1, 3, 10];
  const budgetMb = o.memoryBudgetMb ?? 64;
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-scale-'));
  const say = o.onStatus ?? (() => {});
  try {
    const result: ScaleBenchResult = { cacheMb: {}, trainRssMb: {}, trainSamplesPerSec: {}, memoryBudgetMb: budgetMb, inMemorySamplesPerSec: 0, streamedPerInMemory: 0 };
    for (const f of factors) {
      say(`writing the ${f}× cache (${base * f} recordings)…`);
      const cacheDir = join(dir, `cache-${f}`);
      result.cacheMb[`${f}x`] = Math.round((await writeSyntheticCache(cacheDir, base * f)) / 2 ** 20);
      say(`training on the ${f}× cache under ${budgetMb} MB…`);
      const run = await trainTwoEpochs(cacheDir, join(dir, `run-${f}`), budgetMb, o.signal);
      result.trainRssMb[`${f}x`] = run.peakRssMb;
      result.trainSamplesPerSec[`${f}x`] = run.samplesPerSec;
    }
    const oneX = join(dir, `cache-${factors[0]}`);
    // Blocks hold float32, as these files do: the cache's size plus room to spare holds it all.
    const holdsAll = result.cacheMb[`${factors[0]}x`] + 256;
    const rounds = o.rounds ?? 5;
    const inMemory: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      say(`streamed against in-memory, round ${round + 1} of ${rounds}…`);
      const streamed = (await trainTwoEpochs(oneX, join(dir, `streamed-${round}`), budgetMb, o.signal)).samplesPerSec;
      inMemory.push((await trainTwoEpochs(oneX, join(dir, `in-memory-${round}`), holdsAll, o.signal)).samplesPerSec);
      ratios.push(streamed / inMemory[round]);
    }
    result.inMemorySamplesPerSec = median(inMemory);
    result.streamedPerInMemory = median(ratios);
    return result;
  } finally {
    say('');
    await rm(dir, { recursive: true, force: true });
  }
}

/** A cache of `recordings` noise recordings with their windows; returns its bytes on disk. */
async function writeSyntheticCache(cacheDir: string, recordings: number): Promise<number> {
  await mkdir(join(cacheDir, 'eegs'), { recursive: true });
  const samples = RECORDING_SEC * HMS_SAMPLE_RATE_HZ;
  // One block of noise reused with a per-recording offset: writing is the cost, not drawing numbers.
  const rng = new Random(recordings);
  const noise = Float32Array.from({ length: samples + 1000 }, () => 30 * rng.normal());
  const manifest: CacheManifest = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    createdAt: new Date().toISOString(),
    source: 'hms bench scale',
    preprocess: DEFAULT_PREPROCESS,
    maxMissing: 0.2,
    channels: [...CHANNELS],
    sampleRateHz: HMS_SAMPLE_RATE_HZ,
    windowSamples: WINDOW_SAMPLES,
    dtype: 'float32',
    recordings: [],
    windows: [],
    skipped: [],
  };
  let bytes = 0;
  for (let i = 0; i < recordings; i++) {
    const eegId = `${i}`;
    const rows = CHANNELS.map((_, c) => noise.subarray((i + c) % 1000, ((i + c) % 1000) + samples));
    const npy = encodeNpyFloat32(rows);
    await writeFile(join(cacheDir, 'eegs', `${eegId}.npy`), npy);
    bytes += npy.byteLength;
    manifest.recordings.push({ eegId, file: `eegs/${eegId}.npy`, shape: [CHANNELS.length, samples], source: { file: `${eegId}.parquet`, bytes: 0, sha1: eegId } });
    for (let w = 0; w < WINDOWS_PER_RECORDING; w++) manifest.windows.push(syntheticWindow(eegId, i, w, samples));
  }
  await writeFile(join(cacheDir, MANIFEST_FILE), JSON.stringify(manifest));
  return bytes;
}

function syntheticWindow(eegId: string, recording: number, index: number, samples: number): CacheWindow {
  const votes = CLASSES.map((_, k) => (k === (recording + index) % CLASSES.length ? 3 : 0));
  const startSample = Math.round(((samples - WINDOW_SAMPLES) * index) / WINDOWS_PER_RECORDING);
  return {
    labelId: `${eegId}-${index}`,
    eegId,
    eegSubId: index,
    patientId: `p${recording % 97}`,
    offsetSec: startSample / HMS_SAMPLE_RATE_HZ,
    startSample,
    votes,
    totalVotes: 3,
    target: votes.map((v) => v / 3),
    consensus: CLASSES[(recording + index) % CLASSES.length],
  };
}

/** Two epochs in a training process of its own: its peak RSS and the second epoch's training samples/s. */
async function trainTwoEpochs(cacheDir: string, runDir: string, memoryBudgetMb: number, signal?: AbortSignal): Promise<{ peakRssMb: number; samplesPerSec: number }> {
  const config = { ...DEFAULT_TRAIN_CONFIG, cacheDir, epochs: 2, patience: 10, batch: 32, memoryBudgetMb };
  const rates: number[] = [];
  const proc = startTrainingProcess(config, runDir, (e) => {
    if (e.type === 'progress' && e.step === e.steps) rates[e.epoch - 1] = e.samplesPerSec;
  });
  const onAbort = () => proc.cancel();
  signal?.addEventListener('abort', onAbort);
  let result: TrainResult;
  try {
    result = await proc.done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { peakRssMb: result.peakRssMb ?? NaN, samplesPerSec: rates[1] ?? NaN };
}
