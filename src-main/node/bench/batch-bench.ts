/**
 * Batch throughput: a folder of 10-minute 19-channel HMS recordings classified into timelines
 * (10-s stride) by the default model (random weights: speed does not depend on them) on 1, 2 and
 * 4 local worker threads, and through the queue — a private redis-server — by 2 queue workers
 * (in this process, a thread each). The queue's overhead per job is what a job costs a queue
 * worker beyond what it costs a local thread, (queue time − local time) × 2 / recordings, taken
 * on many 50-s recordings of one window each, where it is not lost in the classifying.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HMS_CHANNELS, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { PREPROCESS_PRESETS } from '../../core/model-info';
import { DEFAULT_MODEL } from '../../core/model-zoo';
import { type BatchJob, type JobSettings, modelFingerprint } from '../batch/job';
import { runLocal } from '../batch/local';
import { planBatch } from '../batch/plan';
import { runOnQueue } from '../batch/queue-batch';
import { serveQueue } from '../batch/queue-worker';
import { ClassifierThreads } from '../batch/threads';
import { writeHmsParquet } from '../formats/parquet-write';
import { exportOnnxFile } from '../onnx/export';
import { benchModelInfo, noise, randomWeights } from './infer-bench';
import { INSTALL_REDIS, redisServerInstalled, startRedisServer } from './redis-server';

export interface BatchBench {
  recordings: number;
  recordingSec: number;
  local1PerSec: number;
  local2PerSec: number;
  local4PerSec: number;
  /** Absent where this machine has no redis-server. */
  queue2PerSec?: number;
  queueOverheadMsPerJob?: number;
  queue?: string;
}

const RECORDING_SEC = 600;
const SHORT_RECORDINGS = 64;
const SHORT_SEC = 50;

async function writeRecordings(dir: string, count: number, seconds: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let f = 0; f < count; f++) {
    const columns = HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: noise(seconds * HMS_SAMPLE_RATE_HZ, f * 31 + c) }));
    await writeHmsParquet(join(dir, `${1000 + f}.parquet`), columns);
  }
}

/** Threads that have loaded their code (each classifies a recording that is not there, and says so). */
async function startedThreads(count: number): Promise<ClassifierThreads> {
  const threads = new ClassifierThreads(count);
  const nothing: BatchJob = { model: '', fingerprint: '', strideSec: 10, maxMissing: 0.2, path: '', rel: '', size: 0, mtimeMs: 0 };
  await Promise.all(Array.from({ length: count }, () => threads.run(nothing)));
  return threads;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

/** Seconds for a local batch; its threads are started before the clock, as the queue's workers are. */
async function onThreads(input: string, out: string, settings: JobSettings, workers: number): Promise<number> {
  const plan = await planBatch({ input, out, settings, threshold: 0.5 });
  const threads = await startedThreads(workers);
  try {
    return await timed(() => runLocal(plan, { workers, threads }));
  } finally {
    await threads.close();
  }
}

/** Seconds for each folder's batch through a private Redis served by two queue workers. */
async function onQueue(runs: { input: string; out: string }[], settings: JobSettings): Promise<number[]> {
  const redis = await startRedisServer();
  const stop = new AbortController();
  const threads = await Promise.all([1, 2].map(() => startedThreads(1)));
  const workers = threads.map((t, i) => serveQueue({ url: redis.url, concurrency: 1, threads: t, name: `bench-${i + 1}`, signal: stop.signal, log: () => {} }));
  try {
    const seconds: number[] = [];
    for (const { input, out } of runs) {
      const plan = await planBatch({ input, out, settings, threshold: 0.5 });
      seconds.push(await timed(() => runOnQueue(plan, { url: redis.url, attempts: 1, backoffMs: 1000 })));
    }
    return seconds;
  } finally {
    stop.abort();
    await Promise.allSettled(workers);
    await Promise.all(threads.map((t) => t.close()));
    await redis.stop();
  }
}

export async function benchBatch(files = 16, onStatus: (line: string) => void = () => {}): Promise<BatchBench> {
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-batch-'));
  const long = join(dir, 'long');
  const short = join(dir, 'short');
  try {
    onStatus('writing recordings…');
    await writeRecordings(long, files, RECORDING_SEC);
    await writeRecordings(short, SHORT_RECORDINGS, SHORT_SEC);
    const model = join(dir, 'model.onnx');
    await exportOnnxFile(model, DEFAULT_MODEL, randomWeights(DEFAULT_MODEL, 3), { ...benchModelInfo(DEFAULT_MODEL), channels: PREPROCESS_PRESETS.notebook.channels });
    const settings: JobSettings = { model, fingerprint: await modelFingerprint(model), strideSec: 10, maxMissing: 0.2 };
    const local: Record<number, number> = {};
    for (const workers of [1, 2, 4]) {
      onStatus(`${workers} local workers…`);
      local[workers] = await onThreads(long, join(dir, `local-${workers}`), settings, workers);
    }
    const result: BatchBench = { recordings: files, recordingSec: RECORDING_SEC, local1PerSec: files / local[1], local2PerSec: files / local[2], local4PerSec: files / local[4] };
    if (!redisServerInstalled()) return { ...result, queue: `not measured: ${INSTALL_REDIS}` };
    const shortLocal = await onThreads(short, join(dir, 'short-local'), settings, 2);
    onStatus('2 queue workers…');
    const [queueSec, shortQueue] = await onQueue(
      [
        { input: long, out: join(dir, 'queue') },
        { input: short, out: join(dir, 'short-queue') },
      ],
      settings,
    );
    return { ...result, queue2PerSec: files / queueSec, queueOverheadMsPerJob: ((shortQueue - shortLocal) * 2 * 1000) / SHORT_RECORDINGS };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
