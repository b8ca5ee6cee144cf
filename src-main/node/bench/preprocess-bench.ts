/**
 * Preprocessing throughput: a folder of 50-s HMS files (real encoding, 0.01-µV-quantised values
 * like the competition's) through the same parallel cache build `hms preprocess` runs — a few
 * hundred files, or as many as the competition has (17,001), of which all but a few hundred are
 * hard links: what is timed is reading, decoding, filtering and writing each file, whatever its bytes.
 */
import { link, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HMS_CHANNELS, WINDOW_SAMPLES } from '../../core/eeg';
import { TRAIN_COLUMNS } from '../formats/hms-folder';
import { DEFAULT_PREPROCESS, preprocessRecording } from '../../core/preprocess';
import { buildCache } from '../cache/build';
import { parseHmsEegParquet } from '../formats/parquet';
import { writeHmsParquet } from '../formats/parquet-write';
import { writeFileAtomic } from '../fs-atomic';
import { median } from './median';

export interface PreprocessBench {
  filesPerSec: number;
  mbPerSec: number;
  files: number;
  threads: number;
  parseMsMedian: number;
  preprocessMsMedian: number;
}

/** Pink-ish noise with a DC offset, quantised to 0.01 µV. */
function syntheticChannel(seed: number): Float32Array {
  const out = new Float32Array(WINDOW_SAMPLES);
  let state = seed * 2654435761 + 1;
  const rand = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
  let slow = 0;
  const dc = rand() * 100;
  for (let i = 0; i < out.length; i++) {
    slow = 0.98 * slow + rand() * 8;
    out[i] = Math.round((dc + slow * 4 + rand() * 20) * 100) / 100;
  }
  return out;
}

/** The competition's number of EEGs (DESIGN §6c). */
export const HMS_EEG_FILES = 17_001;

/** `files` recordings with a train.csv row each; past the first `distinct`, each is a hard link to one of them. */
export async function writeBenchFolder(dir: string, files: number, distinct = files): Promise<void> {
  await mkdir(join(dir, 'train_eegs'), { recursive: true });
  const rows = [TRAIN_COLUMNS.join(',')];
  const path = (f: number) => join(dir, 'train_eegs', `${1000 + f}.parquet`);
  for (let f = 0; f < files; f++) {
    const eegId = String(1000 + f);
    if (f >= distinct) await link(path(f % distinct), path(f));
    else
      await writeHmsParquet(
        path(f),
        HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: syntheticChannel(f * 31 + c + 1) })),
      );
    rows.push([eegId, 0, 0, eegId, 0, 0, 5000 + f, 100 + (f % 20), 'Other', 0, 0, 0, 0, 0, 3].join(','));
  }
  await writeFileAtomic(join(dir, 'train.csv'), rows.join('\n') + '\n');
}

export async function benchPreprocess(files = 300, threads = availableParallelism()): Promise<PreprocessBench> {
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-pre-'));
  try {
    await writeBenchFolder(dir, files);
    const sample = join(dir, 'train_eegs', '1000.parquet');
    const bytes = await readFile(sample);
    const parseMs: number[] = [];
    const preMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const rec = await parseHmsEegParquet(bytes, sample);
      const t1 = performance.now();
      preprocessRecording(rec, DEFAULT_PREPROCESS);
      preMs.push(performance.now() - t1);
      parseMs.push(t1 - t0);
    }
    const mb = (bytes.length * files) / 1e6;
    const started = performance.now();
    await buildCache(dir, join(dir, 'cache'), { threads });
    const seconds = (performance.now() - started) / 1000;
    const built = await stat(join(dir, 'cache', 'manifest.json'));
    if (!built.isFile()) throw new Error('the benchmark cache was not written');
    return {
      filesPerSec: files / seconds,
      mbPerSec: mb / seconds,
      files,
      threads,
      parseMsMedian: median(parseMs.slice(3)),
      preprocessMsMedian: median(preMs.slice(3)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface PreprocessScaleBench {
  preprocessFiles: number;
  preprocessFilesPerSec: number;
  /** The cache written, GB (float32 at 200 Hz, the default). */
  preprocessCacheGb: number;
}

export interface PreprocessScaleOptions {
  files?: number;
  /** Files written; the others are hard links to them. */
  distinct?: number;
  threads?: number;
  onStatus?: (line: string) => void;
}

/** `hms preprocess` over a folder of the competition's size: files/s of the whole build, and the cache's size. */
export async function benchPreprocessAtScale(o: PreprocessScaleOptions = {}): Promise<PreprocessScaleBench> {
  const { files = HMS_EEG_FILES, threads = availableParallelism(), onStatus = () => {} } = o;
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-pre-scale-'));
  try {
    onStatus(`writing ${files} parquet files…`);
    await writeBenchFolder(dir, files, Math.min(files, o.distinct ?? 256));
    onStatus(`preprocessing ${files} files on ${threads} threads…`);
    const started = performance.now();
    const { manifest } = await buildCache(dir, join(dir, 'cache'), { threads });
    const seconds = (performance.now() - started) / 1000;
    if (manifest?.recordings.length !== files) throw new Error(`the benchmark cache holds ${manifest?.recordings.length ?? 0} of ${files} recordings`);
    const bytes = manifest.recordings.reduce((n, r) => n + r.shape[0] * r.shape[1] * 4, 0);
    return { preprocessFiles: files, preprocessFilesPerSec: files / seconds, preprocessCacheGb: bytes / 1e9 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
