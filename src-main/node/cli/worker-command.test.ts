/**
 * `hms batch --queue` and `hms worker` against a real Redis (Debian's redis-server, started here on
 * a free port of 127.0.0.1; `.ci/run` installs it): three worker processes, one killed with
 * SIGKILL while it holds a job, and a poisoned file among the recordings.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMS_CHANNELS, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { QUEUE_NAME } from '../batch/queue';
import { noise } from '../bench/infer-bench';
import { type PrivateRedis, startRedisServer } from '../bench/redis-server';
import { writeHmsParquet } from '../formats/parquet-write';
import { generateDataset } from '../generate/dataset';
import { hms, type RunningHms, startHms } from './run-hms';

const MODEL = join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx');
/** Sorted first, so the first worker takes it first; long enough to be killed in the middle of it. */
const LONG = '000-long.parquet';
const POISONED = 'poisoned.parquet';

let dir: string;
let archive: string;
let redis: PrivateRedis;
let connection: Redis;
let queue: Queue;
const workers: RunningHms[] = [];

async function until<T>(what: string, look: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}:\n${workers.map((w) => w.output()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function worker(name: string): RunningHms {
  const w = startHms({}, 'worker', '--queue', redis.url, '--concurrency', '1', '--name', name, '--lock-ms', '1000');
  workers.push(w);
  return w;
}

beforeAll(async () => {
  redis = await startRedisServer();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE_NAME, { connection });
  dir = await mkdtemp(join(tmpdir(), 'hms-queue-'));
  archive = join(dir, 'archive');
  await generateDataset({ out: join(dir, 'data'), patients: 3, recordings: 2, testRecordings: 1, seed: 9 });
  await mkdir(archive);
  const generated = await readdir(join(dir, 'data', 'train_eegs'));
  for (const f of generated) await copyFile(join(dir, 'data', 'train_eegs', f), join(archive, f));
  const samples = 600 * HMS_SAMPLE_RATE_HZ;
  await writeHmsParquet(
    join(archive, LONG),
    HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: noise(samples, c) })),
  );
  // A parquet file cut short, as a copy interrupted on the way to the archive leaves it.
  const whole = await readFile(join(archive, generated[0]));
  await writeFile(join(archive, POISONED), whole.subarray(0, whole.length >> 1));
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.process.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await queue?.close();
  connection?.disconnect();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function summaryRows(out: string): Promise<string[][]> {
  const [, ...lines] = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  return lines.map((l) => l.split(','));
}

describe('hms batch through a BullMQ queue on Redis', () => {
  it('three workers, one killed mid-job: every recording done exactly once, the poisoned file parked with its message, and a re-run skips what is done', async () => {
    const out = join(dir, 'results');
    const recordings = (await readdir(archive)).sort();
    const victim = worker('victim');
    await until('the first worker', () => (victim.output().includes('taking jobs') ? true : undefined));
    const args = ['batch', archive, '--model', MODEL, '--preset', 'notebook', '--out', out, '--queue', redis.url, '--stride', '1', '--json'];
    const batch = hms(...args);
    const held = await until('the first worker to take the long recording', async () => {
      const active = await queue.getJobs(['active']);
      return active.find((j) => j.processedBy === 'victim' && j.data.rel === LONG);
    });
    const others = [worker('second'), worker('third')];
    await until('the other two workers', () => (others.every((w) => w.output().includes('taking jobs')) ? true : undefined));
    victim.process.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await held.getState()).toBe('active');

    const result = await batch;
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: recordings.length, done: recordings.length - 1, failed: 1, state: 'finished' });
    const rows = await summaryRows(out);
    expect(rows.map((r) => r[0])).toEqual(recordings);
    const poisoned = rows.find((r) => r[0] === POISONED)!;
    expect(poisoned[1]).toBe('failed');
    expect(poisoned.join(',')).toContain(`${POISONED}: not a readable parquet file`);
    expect(rows.filter((r) => r[1] === 'done')).toHaveLength(recordings.length - 1);
    // The killed worker's job went back to the queue and another worker did it.
    const long = JSON.parse(await readFile(join(out, `${LONG}.timeline.json`), 'utf8'));
    expect(long.windows).toBe(551);
    expect(long.worker).not.toContain(`:${victim.process.pid}/`);
    expect(`${others[0].output()}${others[1].output()}`).toContain(`${LONG}: 551 windows`);
    // The poisoned file was parked at its first try, its error kept in the queue.
    const [parked] = await queue.getJobs(['failed']);
    expect(parked).toMatchObject({ attemptsMade: 1, data: { rel: POISONED } });
    expect(parked.failedReason).toContain('not a readable parquet file');
    // Collected results are taken off the queue: nothing but the parked job is left.
    expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({ waiting: 0, active: 0, completed: 0, failed: 1, delayed: 0 });

    const status = await hms('batch', '--status', '--queue', redis.url);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`queued 0  running 0  done ${recordings.length - 1}  failed 1`);
    expect(status.stdout).toMatch(/second\s+0\/1/);
    expect(status.stdout).toMatch(/third\s+0\/1/);

    const longFile = join(out, `${LONG}.timeline.json`);
    const before = { text: await readFile(longFile, 'utf8'), mtimeMs: (await stat(longFile)).mtimeMs };
    const summaryBefore = await readFile(join(out, 'summary.csv'), 'utf8');
    const again = await hms(...args);
    expect(again.code, again.stderr).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: recordings.length - 1, done: 0, failed: 1 });
    expect({ text: await readFile(longFile, 'utf8'), mtimeMs: (await stat(longFile)).mtimeMs }).toEqual(before);
    expect(await readFile(join(out, 'summary.csv'), 'utf8')).toBe(summaryBefore);
  }, 120_000);

  it('says in one line why it cannot use a Redis: nothing listening, or a wrong password', async () => {
    const closed = await hms('worker', '--queue', 'redis://127.0.0.1:1');
    expect(closed.code).toBe(1);
    expect(closed.stderr.trim()).toMatch(/^hms worker: redis:\/\/127\.0\.0\.1:1: cannot use Redis there \(connect ECONNREFUSED 127\.0\.0\.1:1\)$/);
    await connection.config('SET', 'requirepass', 'sekret');
    try {
      const wrong = await hms('batch', archive, '--model', MODEL, '--preset', 'notebook', '--out', join(dir, 'x'), '--queue', redis.url.replace('//', '//:guess@'));
      expect(wrong.code).toBe(1);
      expect(wrong.stderr.trim()).toMatch(/^hms batch: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot use Redis there \(WRONGPASS/);
    } finally {
      await connection.config('SET', 'requirepass', '');
    }
  }, 30_000);
});
