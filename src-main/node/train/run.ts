/**
 * A training run: the held-out fold, stages, augmentation, Adam with warm-up and cosine decay,
 * early stopping on validation KL, a checkpoint every epoch (`last.ckpt`: weights and optimiser)
 * and on every improvement (`best.ckpt`: weights and metrics), resume from `last.ckpt`, cancel at
 * any step keeping the best, and a fresh start for a stage whose training loss sits at the
 * prior's (see plateau.ts). Everything it says goes through `onEvent` (see core/training.ts),
 * and `run.json` in the run folder always holds the state of the run. One process at a time
 * trains in a run folder (see folder-lock.ts); a time limit covers the whole run, the sessions
 * before a resume included (up to their last checkpoint).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluate, MANY_RATERS } from '../../core/evaluation';
import { classPrior } from '../../core/metrics';
import { modelByName } from '../../core/model-zoo';
import { describeModel, type ModelSpec } from '../../core/models';
import type { PreprocessSpec } from '../../core/preprocess';
import { runShare, type EpochRecord, type RestartRecord, type StageName, type TrainConfig, type TrainEvent, type TrainResult } from '../../core/training';
import type { CacheWindow } from '../cache/build';
import { lockFolder } from '../folder-lock';
import { writeFileAtomic } from '../fs-atomic';
import { Random } from '../generate/random';
import { initialWeights } from './build-model';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { DEFAULT_AUGMENTATION, fillBatch, loadTrainingSet, NO_AUGMENTATION, patientFolds, type TrainingSet } from './data';
import { evaluatedRows, predictWindows } from './predict-windows';
import type { LossKind } from './loss';
import { MAX_RESTARTS, plateauReason, priorLoss, restartSeed } from './plateau';
import { startTrainer } from './trainer';
import type { Trainer } from './trainer-interface';
import { readTruth } from './truth';

export const LAST_CHECKPOINT = 'last.ckpt';
export const BEST_CHECKPOINT = 'best.ckpt';
export const RUN_FILE = 'run.json';

/** What `best.ckpt` says about its weights: enough to rebuild, feed and judge the model. */
export interface ModelCheckpointMeta {
  spec: ModelSpec;
  preprocess: PreprocessSpec;
  channels: string[];
  sampleRateHz: number;
  windowSamples: number;
  epoch: number;
  valKL: number;
  /** SHA-1 over the training recordings' hashes and labelled windows. */
  dataFingerprint: string;
  config: TrainConfig;
}

interface LastCheckpointMeta {
  config: TrainConfig;
  history: EpochRecord[];
  /** Epochs finished, over the whole run. */
  epochs: number;
  stageIndex: number;
  /** Epochs finished in the current stage, and since its best. */
  stageEpochs: number;
  stale: number;
  bestValKL: number;
  bestEpoch: number;
  adamSteps: number;
  /** Fresh starts so far (see plateau.ts); the current stage's `stageEpochs` count from the last. */
  restarts: RestartRecord[];
  /** Seconds the run has taken up to this checkpoint, over all its sessions (absent in older runs). */
  secondsSpent?: number;
}

const STAGE_LOSS: Record<StageName, LossKind> = { mse: 'mse', kl: 'kl', kl10: 'kl' };

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

export async function trainRun(config: TrainConfig, runDir: string, options: RunOptions = {}): Promise<TrainResult> {
  const lock = await lockFolder(runDir, 'training');
  try {
    return await trainLocked(config, runDir, options);
  } finally {
    await lock.release();
  }
}

async function trainLocked(config: TrainConfig, runDir: string, { signal, onEvent = () => {} }: RunOptions): Promise<TrainResult> {
  const started = performance.now();
  const spec = modelByName(config.model);
  const set = await loadTrainingSet(config.cacheDir);
  if (set.channels !== spec.input.channels || set.windowSamples !== spec.input.samples) {
    throw new Error(`model "${spec.name}" takes ${spec.input.channels} × ${spec.input.samples} windows; the cache holds ${set.channels} × ${set.windowSamples}`);
  }
  if (config.fold < 0 || config.fold >= config.folds) throw new Error(`fold ${config.fold} is not one of 0…${config.folds - 1}`);
  const foldOf = patientFolds(set.windows, config.folds, config.seed);
  const train = set.windows.filter((_, i) => foldOf[i] !== config.fold);
  const val = set.windows.filter((_, i) => foldOf[i] === config.fold);
  const trainer = await startTrainer({ spec, seed: config.seed, adam: { lr: config.lr }, maxBatch: config.batch, workers: config.workers });
  try {
    const resumed = await resume(runDir, config, trainer);
    const state: LastCheckpointMeta = resumed ?? {
      config,
      history: [],
      epochs: 0,
      stageIndex: 0,
      stageEpochs: 0,
      stale: 0,
      bestValKL: Infinity,
      bestEpoch: 0,
      adamSteps: 0,
      restarts: [],
    };
    const spentBefore = state.secondsSpent ?? 0;
    const elapsedSec = () => spentBefore + (performance.now() - started) / 1000;
    onEvent({
      type: 'started',
      backend: trainer.backend,
      trainWindows: train.length,
      valWindows: val.length,
      parameters: describeModel(spec).parameters,
      resumedFromEpoch: state.epochs,
    });
    const meta: Omit<ModelCheckpointMeta, 'epoch' | 'valKL'> = {
      spec,
      preprocess: set.manifest.preprocess,
      channels: set.manifest.channels,
      sampleRateHz: set.manifest.sampleRateHz,
      windowSamples: set.windowSamples,
      dataFingerprint: fingerprint(set, train),
      config,
    };
    const result = (status: TrainResult['status'], evaluation?: TrainResult['evaluation']): TrainResult => ({
      status,
      runDir,
      config,
      backend: trainer.backend,
      epochs: state.epochs,
      bestEpoch: state.bestEpoch,
      stopReason: status === 'cancelled' ? 'cancelled' : outOfTime ? 'time-limit' : stagesEnded,
      history: state.history,
      restarts: state.restarts,
      ...(evaluation ? { evaluation } : {}),
      trainWindows: train.length,
      valWindows: val.length,
      seconds: elapsedSec(),
    });
    const saveRun = (r: TrainResult) => writeFileAtomic(join(runDir, RUN_FILE), JSON.stringify(r, null, 1));

    const x = new Float32Array(config.batch * spec.input.samples * spec.input.channels);
    const y = new Float32Array(config.batch * 6);
    let cancelled = false;
    let outOfTime = false;
    const resumedEpochs = state.epochs;
    let stagesEnded: 'epochs' | 'patience' = 'epochs';
    for (; state.stageIndex < config.stages.length && !cancelled && !outOfTime; state.stageIndex++, state.stageEpochs = 0, state.stale = 0) {
      const stage = config.stages[state.stageIndex];
      const rows = stage === 'kl10' ? train.filter((w) => w.totalVotes >= MANY_RATERS) : train;
      if (!rows.length) continue;
      if (state.stageEpochs === 0 && state.bestEpoch > 0) await loadBest(runDir, trainer);
      const steps = Math.ceil(rows.length / config.batch);
      const prior = priorLoss(
        rows.map((w) => w.target),
        STAGE_LOSS[stage],
      );
      const lastStage = state.stageIndex === config.stages.length - 1;
      const stageStartSec = elapsedSec();
      // The stages left share the time left equally.
      const stageDeadlineSec = config.timeLimitSec === undefined ? Infinity : stageStartSec + (config.timeLimitSec - stageStartSec) / (config.stages.length - state.stageIndex);
      for (; state.stageEpochs < config.epochs && state.stale < config.patience;) {
        const epochStart = performance.now();
        // At least one epoch per session, so a run always moves forward.
        const lastEpochSec = state.history.at(-1)?.seconds ?? 0;
        if (state.epochs > resumedEpochs && elapsedSec() + lastEpochSec > stageDeadlineSec) {
          outOfTime = lastStage;
          break;
        }
        const rng = new Random(config.seed * 7919 + state.epochs + 1);
        const order = shuffle(rows, rng);
        let lossSum = 0;
        for (let step = 0; step < steps; step++) {
          if (signal?.aborted) {
            cancelled = true;
            break;
          }
          trainer.optimizer.lr = learningRate(config, state.stageEpochs + step / steps);
          const batch = order.slice(step * config.batch, (step + 1) * config.batch);
          fillBatch(set, batch, x, y, config.augment ? DEFAULT_AUGMENTATION : NO_AUGMENTATION, rng);
          const n = batch.length;
          lossSum += (await trainer.step(x.subarray(0, (n * x.length) / config.batch), y.subarray(0, n * 6), n, STAGE_LOSS[stage])) * n;
          const elapsed = (performance.now() - epochStart) / 1000;
          const done = step * config.batch + n;
          const epochsLeft = Math.max(0, config.epochs - state.stageEpochs - 1);
          const secondsLeft = config.timeLimitSec === undefined ? Infinity : Math.max(0, config.timeLimitSec - elapsedSec());
          const etaSec = Math.min(secondsLeft, (elapsed / done) * (rows.length - done + epochsLeft * rows.length));
          const share = runShare(config, { stageIndex: state.stageIndex, stageEpochs: state.stageEpochs + (step + 1) / steps, elapsedSec: elapsedSec() });
          onEvent({ type: 'progress', stage, epoch: state.epochs + 1, step: step + 1, steps, loss: lossSum / done, samplesPerSec: done / elapsed, etaSec, runShare: share });
        }
        if (cancelled) break;
        const predictions = await predictWindows(trainer, set, val, config.batch);
        const e = evaluate(evaluatedRows(val, predictions), classPrior(train.map((w) => w.target)));
        state.epochs++;
        state.stageEpochs++;
        const record: EpochRecord = {
          stage,
          epoch: state.epochs,
          trainLoss: lossSum / rows.length,
          valKL: e.valKL,
          valKL10: e.valKL10,
          lr: trainer.optimizer.lr,
          seconds: (performance.now() - epochStart) / 1000,
        };
        state.history.push(record);
        const best = e.valKL < state.bestValKL;
        if (best) {
          state.bestValKL = e.valKL;
          state.bestEpoch = state.epochs;
          state.stale = 0;
          await writeCheckpoint<ModelCheckpointMeta>(join(runDir, BEST_CHECKPOINT), {
            meta: { ...meta, epoch: state.epochs, valKL: e.valKL },
            arrays: { weights: trainer.weights },
          });
        } else state.stale++;
        const restart = restartIfStuck(state, stage, prior, trainer, spec, config.seed);
        const adam = trainer.optimizer.saveState();
        state.adamSteps = adam.t;
        state.secondsSpent = elapsedSec();
        await writeCheckpoint<LastCheckpointMeta>(join(runDir, LAST_CHECKPOINT), { meta: state, arrays: { weights: trainer.weights, adamM: adam.m, adamV: adam.v } });
        onEvent({ type: 'epoch', record, best });
        if (restart) onEvent({ type: 'restart', restart, restartsLeft: MAX_RESTARTS - state.restarts.length });
        onEvent({ type: 'checkpoint', path: join(runDir, LAST_CHECKPOINT), epoch: state.epochs });
        await saveRun(result('running'));
      }
      stagesEnded = state.stale >= config.patience ? 'patience' : 'epochs';
    }
    let evaluation: TrainResult['evaluation'];
    if (state.bestEpoch > 0) {
      await loadBest(runDir, trainer);
      const predictions = await predictWindows(trainer, set, val, config.batch);
      const truth = await readTruth(set.manifest.source).catch(() => null);
      evaluation = evaluate(evaluatedRows(val, predictions, truth), classPrior(train.map((w) => w.target)));
    }
    const final = result(cancelled ? 'cancelled' : 'finished', evaluation);
    await saveRun(final);
    return final;
  } finally {
    await trainer.close();
  }
}

/** Linear warm-up over the first epoch of a stage, then cosine decay to 1/20 of `lr` at its last epoch. */
export function learningRate({ lr, epochs }: Pick<TrainConfig, 'lr' | 'epochs'>, stageEpoch: number): number {
  if (stageEpoch < 1) return lr * (0.1 + 0.9 * stageEpoch);
  const progress = Math.min(1, (stageEpoch - 1) / Math.max(1, epochs - 1));
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

async function resume(runDir: string, config: TrainConfig, trainer: Trainer): Promise<LastCheckpointMeta | null> {
  const path = join(runDir, LAST_CHECKPOINT);
  const found = await readFile(path).then(
    () => true,
    () => false,
  );
  if (!found) return null;
  const { meta, arrays } = await readCheckpoint<LastCheckpointMeta>(path);
  const same = (['cacheDir', 'model', 'folds', 'fold', 'seed', 'batch'] as const).every((k) => meta.config[k] === config[k]) && meta.config.stages.join() === config.stages.join();
  if (!same)
    throw new Error(
      `${runDir} holds a run with other settings (model ${meta.config.model}, fold ${meta.config.fold}/${meta.config.folds}, stages ${meta.config.stages.join(',')}); choose another --out to start afresh`,
    );
  if (arrays.weights.length !== trainer.weights.length) throw new Error(`${path} holds ${arrays.weights.length} weights; model "${config.model}" has ${trainer.weights.length}`);
  trainer.weights.set(arrays.weights);
  trainer.optimizer.restoreState({ m: arrays.adamM, v: arrays.adamV, t: meta.adamSteps });
  return { ...meta, config, restarts: meta.restarts ?? [] };
}

/**
 * When the stage's training loss has sat at the prior's (see plateau.ts) and restarts are left:
 * fresh weights from a seed derived from the run's, a fresh optimiser, and the stage's schedule,
 * warm-up and patience from the start (its epoch budget too; a time limit still holds). The best
 * checkpoint so far stays the best until a later epoch beats it.
 */
function restartIfStuck(state: LastCheckpointMeta, stage: StageName, prior: number, trainer: Trainer, spec: ModelSpec, seed: number): RestartRecord | null {
  if (state.restarts.length >= MAX_RESTARTS) return null;
  const reason = plateauReason(state.history, state.stageEpochs, prior);
  if (!reason) return null;
  const restart: RestartRecord = { atEpoch: state.epochs, stage, reason, initSeed: restartSeed(seed, state.restarts.length + 1) };
  trainer.weights.set(initialWeights(spec, restart.initSeed));
  const size = trainer.weights.length;
  trainer.optimizer.restoreState({ m: new Float32Array(size), v: new Float32Array(size), t: 0 });
  state.restarts.push(restart);
  state.stageEpochs = 0;
  state.stale = 0;
  return restart;
}

async function loadBest(runDir: string, trainer: Trainer): Promise<void> {
  const { arrays } = await readCheckpoint<ModelCheckpointMeta>(join(runDir, BEST_CHECKPOINT));
  trainer.weights.set(arrays.weights);
}

function shuffle<T>(items: readonly T[], rng: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function fingerprint(set: TrainingSet, train: readonly CacheWindow[]): string {
  const hash = createHash('sha1');
  for (const r of set.manifest.recordings) hash.update(`${r.eegId}:${r.source.sha1}\n`);
  for (const w of train) hash.update(`${w.labelId}:${w.startSample}:${w.votes.join(',')}\n`);
  return hash.digest('hex');
}
