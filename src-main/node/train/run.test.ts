import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent, type TrainResult } from '../../core/training';
import { buildCache } from '../cache/build';
import { LOCK_FILE } from '../folder-lock';
import { generateDataset } from '../generate/dataset';
import { readCheckpoint } from './checkpoint';
import { startTrainingProcess, TRAINING_LOG } from './process';
import { trainRun } from './run';
import { BEST_CHECKPOINT, LAST_CHECKPOINT, RUN_FILE } from './run-folder';
import { learningRate } from './schedule';

let dir: string;
let config: TrainConfig;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-train-'));
  await generateDataset({ out: join(dir, 'data'), patients: 6, recordings: 2, testRecordings: 1, seed: 11, difficulty: 'easy' });
  await buildCache(join(dir, 'data'), join(dir, 'cache'));
  config = { ...DEFAULT_TRAIN_CONFIG, cacheDir: join(dir, 'cache'), folds: 3, epochs: 4, batch: 8, patience: 10, workers: 2 };
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs a training process and collects its events; `onEvent` may act on them (kill, cancel). */
async function runProcess(runDir: string, cfg: TrainConfig, onEvent: (e: TrainEvent, proc: ReturnType<typeof startTrainingProcess>) => void = () => {}) {
  const events: TrainEvent[] = [];
  const proc: ReturnType<typeof startTrainingProcess> = startTrainingProcess(cfg, runDir, (e) => {
    events.push(e);
    onEvent(e, proc);
  });
  const outcome = await proc.done.then(
    (r): TrainResult | Error => r,
    (err: Error) => err,
  );
  return { events, outcome };
}

/** A one-epoch run in a folder of its own, for a test that needs a run folder to exist. */
async function trainedRunFolder(name: string): Promise<string> {
  const runDir = join(dir, name);
  await trainRun({ ...config, epochs: 1 }, runDir);
  return runDir;
}

describe('a training run', () => {
  it('trains, checkpoints every epoch, keeps the best, and evaluates it on the held-out patients against prior and floor', async () => {
    const runDir = join(dir, 'plain');
    const events: TrainEvent[] = [];
    const result = await trainRun(config, runDir, { onEvent: (e) => events.push(e) });
    expect(result.status).toBe('finished');
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(result.trainWindows + result.valWindows).toBeGreaterThan(10);
    const e = result.evaluation!;
    expect(e.rows).toBe(result.valWindows);
    expect(e.valKL).toBeCloseTo(Math.min(...result.history.map((h) => h.valKL)), 5);
    expect(e.floorKL).toBeGreaterThan(0);
    expect(e.floorKL!).toBeLessThan(e.priorKL);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(e.rows);
    const best = await readCheckpoint<{ epoch: number; valKL: number }>(join(runDir, BEST_CHECKPOINT));
    expect(best.meta.epoch).toBe(result.bestEpoch);
    expect(events.filter((x) => x.type === 'progress').length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8')).status).toBe('finished');
  }, 120_000);

  it('survives kill -9 mid-epoch: the checkpoints stay whole and the same command resumes after the last finished epoch', async () => {
    const runDir = join(dir, 'killed');
    const cfg = { ...config, epochs: 3 };
    let killedAt = 0;
    const first = await runProcess(runDir, cfg, (e, proc) => {
      // Mid-way through epoch 2: epoch 1's checkpoint is on disk, epoch 2's is not.
      if (e.type === 'progress' && e.epoch === 2 && e.step === 1 && !killedAt) {
        killedAt = e.epoch;
        process.kill(proc.pid, 'SIGKILL');
      }
    });
    expect(killedAt).toBe(2);
    expect(first.outcome).toBeInstanceOf(Error);
    expect((first.outcome as Error).message).toContain('stopped unexpectedly (signal SIGKILL)');
    // The run keeps its story where a packaged app's user can find it.
    expect(await readFile(join(runDir, TRAINING_LOG), 'utf8')).toMatch(/training process \d+ started\n.*stopped unexpectedly \(signal SIGKILL\)/s);
    const last = await readCheckpoint<{ epochs: number }>(join(runDir, LAST_CHECKPOINT));
    expect(last.meta.epochs).toBe(1);
    // run.json said "running" after epoch 1; the dead child's run now says what became of it, and its lock is gone.
    expect(JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8'))).toMatchObject({ status: 'crashed', epochs: 1, error: expect.stringContaining('signal SIGKILL') });
    await expect(stat(join(runDir, LOCK_FILE))).rejects.toThrow();
    const second = await runProcess(runDir, cfg);
    const started = second.events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ resumedFromEpoch: 1 });
    const result = second.outcome as TrainResult;
    expect(result.status).toBe('finished');
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect((await readFile(join(runDir, TRAINING_LOG), 'utf8')).match(/started/g)).toHaveLength(2);
    expect(await readFile(join(runDir, TRAINING_LOG), 'utf8')).toContain('finished after 3 epochs (epochs); exit code 0');
  }, 120_000);

  it('cancels on request, keeping the best checkpoint and its evaluation', async () => {
    const runDir = join(dir, 'cancelled');
    const { outcome } = await runProcess(runDir, { ...config, epochs: 50 }, (e, proc) => {
      if (e.type === 'epoch' && e.record.epoch === 2) proc.cancel();
    });
    const result = outcome as TrainResult;
    expect(result.status).toBe('cancelled');
    expect(result.stopReason).toBe('cancelled');
    expect(result.epochs).toBeLessThan(50);
    expect(result.evaluation?.rows).toBe(result.valWindows);
    expect((await readCheckpoint<{ epoch: number }>(join(runDir, BEST_CHECKPOINT))).meta.epoch).toBe(result.bestEpoch);
  }, 120_000);

  it('trains in a run folder one process at a time: a second is refused, naming the first, and changes nothing there', async () => {
    const runDir = join(dir, 'locked');
    let second: Promise<unknown> | undefined;
    const first = await runProcess(runDir, { ...config, epochs: 2 }, (e, proc) => {
      if (e.type === 'progress' && !second)
        second = trainRun({ ...config, epochs: 2 }, runDir).then(
          () => new Error('the second run was not refused'),
          (err: Error) => err.message + ` (first: ${proc.pid})`,
        );
    });
    const refusal = (await second) as string;
    expect(refusal).toMatch(new RegExp(`^${runDir}: in use \\(training by process (\\d+) since .*\\(first: \\1\\)$`));
    expect(first.outcome).toMatchObject({ status: 'finished', epochs: 2 });
    expect(JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8'))).toMatchObject({ status: 'finished', epochs: 2 });
  }, 120_000);

  it('counts the time a resumed run spent before it towards its time limit', async () => {
    const runDir = join(dir, 'resumed-limit');
    const cfg = { ...config, stages: ['kl' as const], epochs: 50, patience: 100 };
    const controller = new AbortController();
    await trainRun(cfg, runDir, { signal: controller.signal, onEvent: (e) => e.type === 'epoch' && e.record.epoch === 4 && controller.abort() });
    const spent = (await readCheckpoint<{ secondsSpent: number }>(join(runDir, LAST_CHECKPOINT))).meta.secondsSpent;
    expect(spent).toBeGreaterThan(0);
    // A limit the first session already used up: the resumed one trains its one guaranteed epoch and stops.
    const resumed = await trainRun({ ...cfg, timeLimitSec: spent }, runDir);
    expect(resumed.stopReason).toBe('time-limit');
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(resumed.seconds).toBeGreaterThan(spent);
  }, 120_000);

  it('refuses to resume a run folder made with other settings, and reports a failing run as an error', async () => {
    const runDir = await trainedRunFolder('other-settings');
    await expect(trainRun({ ...config, fold: 1, epochs: 1 }, runDir)).rejects.toThrow('holds a run with other settings');
    const { outcome } = await runProcess(join(dir, 'broken'), { ...config, cacheDir: join(dir, 'nowhere') });
    expect((outcome as Error).message).toContain(`${join(dir, 'nowhere')}: not a finished cache: it has no manifest.json`);
  }, 60_000);

  it('stops within its time limit, keeping the epochs it finished, and says why it stopped; its ETA never passes the limit', async () => {
    const events: TrainEvent[] = [];
    const result = await trainRun({ ...config, epochs: 50, timeLimitSec: 0.5 }, join(dir, 'timed'), { onEvent: (e) => events.push(e) });
    const etas = events.flatMap((e) => (e.type === 'progress' ? [e.etaSec] : []));
    expect(etas.length).toBeGreaterThan(0);
    expect(Math.max(...etas)).toBeLessThanOrEqual(0.5);
    // The run-level share covers the whole run: it only grows, and never passes 1.
    const shares = events.flatMap((e) => (e.type === 'progress' ? [e.runShare] : []));
    expect(shares.every((x, i) => x >= (shares[i - 1] ?? 0) && x <= 1)).toBe(true);
    expect(result.status).toBe('finished');
    expect(result.stopReason).toBe('time-limit');
    expect(result.epochs).toBeGreaterThanOrEqual(1);
    expect(result.epochs).toBeLessThan(50);
    expect(result.evaluation?.rows).toBe(result.valWindows);
  }, 60_000);

  it('shares its time limit between its stages, so pre-training cannot take it all', async () => {
    const result = await trainRun({ ...config, stages: ['mse', 'kl'], epochs: 1000, patience: 1000, timeLimitSec: 8 }, join(dir, 'timed-stages'));
    expect(result.stopReason).toBe('time-limit');
    const stages = result.history.map((h) => h.stage);
    const pretraining = stages.filter((s) => s === 'mse').length;
    expect(pretraining).toBeGreaterThanOrEqual(1);
    expect(stages.length).toBeGreaterThan(pretraining);
    expect(stages).toEqual([...Array(pretraining).fill('mse'), ...Array(stages.length - pretraining).fill('kl')]);
  }, 60_000);

  it('repeats exactly with the same seed, dropout and two workers included, and from a cache larger than its memory budget; another seed gives another run', async () => {
    const cfg = { ...config, epochs: 2 };
    const figures = (r: TrainResult) => r.history.map((h) => [h.trainLoss, h.valKL]);
    const first = await trainRun(cfg, join(dir, 'twin-a'));
    const second = await trainRun(cfg, join(dir, 'twin-b'));
    expect(figures(second)).toEqual(figures(first));
    // 1 MiB holds less than one batch: every batch is read from disk again, and the figures stay the same.
    const manifest = JSON.parse(await readFile(join(config.cacheDir, 'manifest.json'), 'utf8')) as { recordings: { file: string }[] };
    const cacheBytes = (await Promise.all(manifest.recordings.map((r) => stat(join(config.cacheDir, r.file))))).reduce((sum, s) => sum + s.size, 0);
    expect(cacheBytes).toBeGreaterThan(8 * 2 ** 20);
    const streamed = await trainRun({ ...cfg, memoryBudgetMb: 1 }, join(dir, 'twin-streamed'));
    expect(figures(streamed)).toEqual(figures(first));
    expect(streamed.evaluation).toEqual(first.evaluation);
    const other = await trainRun({ ...cfg, seed: 1 }, join(dir, 'twin-c'));
    expect(figures(other)).not.toEqual(figures(first));
  }, 120_000);

  it('warms the learning rate up over the first epoch, then decays it along a cosine to 1/20', () => {
    const c = { lr: 1, epochs: 11 };
    expect(learningRate(c, 0)).toBeCloseTo(0.1);
    expect(learningRate(c, 1)).toBeCloseTo(1);
    expect(learningRate(c, 6)).toBeCloseTo(0.525);
    expect(learningRate(c, 11)).toBeCloseTo(0.05);
  });
});

describe('checkpoints', () => {
  it('reject a truncated or foreign file with its name and the problem', async () => {
    const runDir = await trainedRunFolder('damaged');
    const bytes = await readFile(join(runDir, BEST_CHECKPOINT));
    await writeFile(join(runDir, 'cut.ckpt'), bytes.subarray(0, bytes.length - 8));
    await expect(readCheckpoint(join(runDir, 'cut.ckpt'))).rejects.toThrow(/cut\.ckpt: not a usable checkpoint: it should hold \d+ bytes/);
    await writeFile(join(runDir, 'other.ckpt'), 'hello');
    await expect(readCheckpoint(join(runDir, 'other.ckpt'))).rejects.toThrow('does not start with HMSCKPT1');
  }, 60_000);
});
