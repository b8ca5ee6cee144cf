/**
 * One session of a run: what a training process fixes when it starts (or resumes) the run and
 * keeps until it ends — the model, the cache and its split into the training and held-out folds,
 * the trainer, the batch buffers, the clock — and, within it, what a stage fixes (`StagePlan`);
 * and the run's result as a session reports it.
 */
import { createHash } from 'node:crypto';
import { cacheFitProblem, specAtRate } from '../../core/cache-rate';
import { DataError, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { classPrior } from '../../core/metrics';
import { modelByName } from '../../core/model-zoo';
import type { ModelSpec } from '../../core/models';
import type { RunStatus, StageName, StopReason, TrainConfig, TrainEvent, TrainResult } from '../../core/training';
import type { CacheWindow } from '../cache/build';
import { loadTrainingSet, patientFolds, type TrainingSet } from './data';
import type { LossKind } from './loss';
import { freshState, resume, type ModelCheckpointMeta, type RunState } from './run-folder';
import { startTrainer } from './trainer';
import type { Trainer } from './trainer-interface';

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

export interface RunSession {
  readonly config: TrainConfig;
  readonly runDir: string;
  /** The model as it runs on the cache's windows (at 50 Hz, without its first pool's decimation). */
  readonly spec: ModelSpec;
  readonly set: TrainingSet;
  readonly train: readonly CacheWindow[];
  readonly val: readonly CacheWindow[];
  /** The training windows' mean vote distribution, the prior every evaluation scores against. */
  readonly trainPrior: readonly number[];
  readonly trainer: Trainer;
  /** What `best.ckpt` says besides the epoch and its score. */
  readonly bestMeta: Omit<ModelCheckpointMeta, 'epoch' | 'valKL'>;
  /** One batch's inputs [batch, samples, channels] and targets [batch, classes], filled every step. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly signal?: AbortSignal;
  readonly onEvent: (event: TrainEvent) => void;
  /** Epochs the run had finished before this session; it trains at least one more, so a run always moves forward. */
  readonly resumedEpochs: number;
  /** Seconds the run has taken, the sessions before this one included (up to their last checkpoint). */
  elapsedSec(): number;
}

/** What one stage of the run trains on and towards, fixed when it starts. */
export interface StagePlan {
  readonly stage: StageName;
  readonly loss: LossKind;
  readonly rows: readonly CacheWindow[];
  /** Optimiser steps per epoch. */
  readonly steps: number;
  /** The loss of predicting `rows`' mean vote distribution for each (see plateau.ts). */
  readonly priorLoss: number;
  /** When, in the run's seconds, the stage stops starting epochs; Infinity without a time limit. */
  readonly deadlineSec: number;
}

/**
 * Loads the cache, splits it by patient, starts the trainer and resumes from the run folder's
 * `last.ckpt` when it has one. Whoever gets the session closes its trainer.
 */
export async function openSession(config: TrainConfig, runDir: string, { signal, onEvent = () => {} }: RunOptions): Promise<{ session: RunSession; state: RunState }> {
  const startedMs = performance.now();
  const model = modelByName(config.model);
  const set = await loadTrainingSet(config.cacheDir, config.memoryBudgetMb === undefined ? undefined : config.memoryBudgetMb * 2 ** 20);
  const misfit = cacheFitProblem(model, set.manifest);
  if (misfit) throw new DataError(config.cacheDir, misfit);
  // The model as it runs on the cache's windows; its weights are the model's (core/cache-rate.ts).
  const spec = specAtRate(model, set.manifest.sampleRateHz)!;
  if (config.fold < 0 || config.fold >= config.folds) throw new Error(`fold ${config.fold} is not one of 0…${config.folds - 1}`);
  const foldOf = patientFolds(set.windows, config.folds, config.seed);
  const train = set.windows.filter((_, i) => foldOf[i] !== config.fold);
  const val = set.windows.filter((_, i) => foldOf[i] === config.fold);
  const trainer = await startTrainer({
    spec,
    seed: config.seed,
    adam: { lr: config.lr },
    maxBatch: config.batch,
    workers: config.workers,
    engine: config.engine,
    device: config.device,
  });
  let state: RunState;
  try {
    state = (await resume(runDir, config, trainer)) ?? freshState(config);
  } catch (err) {
    await trainer.close();
    throw err;
  }
  const spentBeforeSec = state.secondsSpent ?? 0;
  const session: RunSession = {
    config,
    runDir,
    spec,
    set,
    train,
    val,
    trainPrior: classPrior(train.map((w) => w.target)),
    trainer,
    // The whole model, fed as classify feeds it: 200-Hz windows, whatever rate the cache holds.
    bestMeta: {
      spec: model,
      preprocess: set.manifest.preprocess,
      channels: set.manifest.channels,
      sampleRateHz: HMS_SAMPLE_RATE_HZ,
      windowSamples: model.input.samples,
      dataFingerprint: fingerprint(set, train),
      config,
    },
    x: new Float32Array(config.batch * spec.input.samples * spec.input.channels),
    y: new Float32Array(config.batch * 6),
    signal,
    onEvent,
    resumedEpochs: state.epochs,
    elapsedSec: () => spentBeforeSec + (performance.now() - startedMs) / 1000,
  };
  return { session, state };
}

/** The run as `run.json` and the caller get it. */
export function runResult(session: RunSession, state: RunState, status: RunStatus, stopReason: StopReason, evaluation?: TrainResult['evaluation']): TrainResult {
  return {
    status,
    runDir: session.runDir,
    config: session.config,
    backend: session.trainer.backend,
    epochs: state.epochs,
    bestEpoch: state.bestEpoch,
    stopReason,
    history: state.history,
    restarts: state.restarts,
    ...(evaluation ? { evaluation } : {}),
    trainWindows: session.train.length,
    valWindows: session.val.length,
    seconds: session.elapsedSec(),
    // resourceUsage gives kilobytes; the worker threads' memory is the process's too.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function fingerprint(set: TrainingSet, train: readonly CacheWindow[]): string {
  const hash = createHash('sha1');
  for (const r of set.manifest.recordings) hash.update(`${r.eegId}:${r.source.sha1}\n`);
  for (const w of train) hash.update(`${w.labelId}:${w.startSample}:${w.votes.join(',')}\n`);
  return hash.digest('hex');
}
