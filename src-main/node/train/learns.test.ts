/**
 * Training learns (issue #14): the default model on built-in data falls clearly below the prior
 * for every seed tried, and a run that cannot learn restarts from fresh weights, says so, records
 * it and resumes it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelByName } from '../../core/model-zoo';
import { DEFAULT_TRAIN_CONFIG, type EpochRecord, type RestartRecord, type TrainConfig, type TrainEvent } from '../../core/training';
import { buildCache } from '../cache/build';
import { generateDataset } from '../generate/dataset';
import { DEFAULT_VARIETY } from '../generate/variety';
import { initialWeights } from './build-model';
import { readCheckpoint } from './checkpoint';
import { loadTrainingSet, patientFolds } from './data';
import { MAX_RESTARTS, PLATEAU_EPOCHS, plateauReason, priorLoss, restartSeed } from './plateau';
import { trainRun } from './run';
import { LAST_CHECKPOINT, RUN_FILE } from './run-folder';

let dir: string;
/** The built-in generator at its default difficulty and variety, a third of its default size. */
let cacheDir: string;
/** Three patients, a recording each: a handful of windows, for the guard's many epochs. */
let tinyCacheDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-learns-'));
  const cache = async (name: string, patients: number, recordings: number) => {
    await generateDataset({ out: join(dir, name), patients, recordings, testRecordings: 1, seed: 1, variety: DEFAULT_VARIETY });
    await buildCache(join(dir, name), join(dir, `${name}-cache`));
    return join(dir, `${name}-cache`);
  };
  cacheDir = await cache('data', 8, 2);
  tinyCacheDir = await cache('tiny', 3, 1);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The KL of predicting the training rows' mean vote distribution for each of them, for the fold `config` holds out. */
async function trainingPrior(config: TrainConfig): Promise<number> {
  const set = await loadTrainingSet(config.cacheDir);
  const foldOf = patientFolds(set.windows, config.folds, config.seed);
  return priorLoss(
    set.windows.filter((_, i) => foldOf[i] !== config.fold).map((w) => w.target),
    'kl',
  );
}

describe('the default model', () => {
  // Before #14 chainnet's training loss stayed ≥ 0.99 of the prior's through these 4 epochs, for each of these seeds.
  it.each([0, 1, 2])(
    'learns on built-in data with seed %i: training KL well under the prior within 4 epochs, with no restart',
    async (seed) => {
      const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, cacheDir, seed, epochs: 4, workers: 1 };
      expect(config.model).toBe('chainnet');
      const result = await trainRun(config, join(dir, `learns-${seed}`));
      const prior = await trainingPrior(config);
      const last = Math.min(...result.history.slice(-2).map((h) => h.trainLoss));
      expect(result.restarts).toEqual([]);
      expect(last / prior).toBeLessThan(0.7);
    },
    60_000,
  );
});

describe('the guard against a run that does not learn', () => {
  const record = (trainLoss: number): EpochRecord => ({ stage: 'kl', epoch: 0, trainLoss, valKL: 1, valKL10: 1, lr: 1, seconds: 1 });

  it('fires after the warm-up and 3 epochs at the prior, not for a run that learns', () => {
    const oneEach = [1, 0].map((k) => [0, 1, 2, 3, 4, 5].map((c) => (c === k ? 1 : 0)));
    expect(priorLoss(oneEach, 'kl')).toBeCloseTo(Math.log(2));
    expect(priorLoss(oneEach, 'mse')).toBeCloseTo(0.5 / 6);
    const stuck = [2, 1.3, 1.31, 1.29].map(record);
    expect(plateauReason(stuck.slice(0, 3), 3, 1.3)).toBeNull();
    expect(plateauReason(stuck, 4, 1.3)).toContain(`for ${PLATEAU_EPOCHS} epochs after the warm-up: 1.300, 1.310, 1.290`);
    expect(plateauReason([2, 1.3, 1.1, 1.29].map(record), 4, 1.3)).toBeNull();
    expect(new Set([0, 1, 2].flatMap((s) => [1, 2].map((k) => restartSeed(s, k)))).size).toBe(6);
  });

  it('restarts a stuck stage from fresh weights, says so, records it in run.json and last.ckpt, and resumes after it', async () => {
    // A learning rate of ~0 cannot learn: the loss stays where the first weights put it, above the prior.
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, cacheDir: tinyCacheDir, lr: 1e-9, epochs: 4, folds: 3, workers: 1, augment: false };
    const runDir = join(dir, 'stuck');
    const run = async () => {
      const events: TrainEvent[] = [];
      const stop = new AbortController();
      const result = await trainRun(config, runDir, { signal: stop.signal, onEvent: (e) => (events.push(e), e.type === 'restart' && stop.abort()) });
      return { result, events, restarts: events.flatMap((e) => (e.type === 'restart' ? [e] : [])) };
    };
    const first = await run();
    expect(first.restarts).toHaveLength(1);
    const [{ restart, restartsLeft }] = first.restarts;
    expect(restart).toMatchObject({ atEpoch: 1 + PLATEAU_EPOCHS, stage: 'kl', initSeed: restartSeed(0, 1) });
    expect(restart.reason).toContain("stayed at or above the prior's");
    expect(restartsLeft).toBe(MAX_RESTARTS - 1);
    expect(first.result.restarts).toEqual([restart]);
    expect(JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8')).restarts).toEqual([restart]);
    // last.ckpt holds the fresh start: its weights, a new optimiser, the stage's schedule from 0.
    const last = await readCheckpoint<{ restarts: RestartRecord[]; stageEpochs: number; adamSteps: number; epochs: number }>(join(runDir, LAST_CHECKPOINT));
    expect(last.meta).toMatchObject({ restarts: [restart], stageEpochs: 0, adamSteps: 0, epochs: 1 + PLATEAU_EPOCHS });
    expect(last.arrays.weights).toEqual(initialWeights(modelByName(config.model), restart.initSeed));
    // The same command resumes the fresh start and counts on from its restarts.
    const second = await run();
    expect(second.events.find((e) => e.type === 'started')).toMatchObject({ resumedFromEpoch: 1 + PLATEAU_EPOCHS });
    expect(second.restarts.map((r) => [r.restart.atEpoch, r.restart.initSeed, r.restartsLeft])).toEqual([[2 * (1 + PLATEAU_EPOCHS), restartSeed(0, 2), 0]]);
    expect(second.result.restarts?.map((r) => r.initSeed)).toEqual([restartSeed(0, 1), restartSeed(0, 2)]);
  }, 60_000);
});
