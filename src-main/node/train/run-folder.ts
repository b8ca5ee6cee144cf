/**
 * What a run folder holds, and its reading and writing: `last.ckpt` (the weights, the optimiser
 * and the run's state after its latest epoch, to resume from), `best.ckpt` (the best weights so
 * far, with what it takes to rebuild, feed and judge them) and `run.json` (the run's result so
 * far). Its `training.log` is process.ts's, its lock folder-lock.ts's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSpec } from '../../core/models';
import type { PreprocessSpec } from '../../core/preprocess';
import type { EpochRecord, RestartRecord, TrainConfig, TrainResult } from '../../core/training';
import { writeFileAtomic } from '../fs-atomic';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { Trainer } from './trainer-interface';

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

/** Where a run stands: what `last.ckpt` says besides its arrays, and what the training loop moves on. */
export interface RunState {
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

/** The state of a run no epoch of which has finished. */
export function freshState(config: TrainConfig): RunState {
  return { config, history: [], epochs: 0, stageIndex: 0, stageEpochs: 0, stale: 0, bestValKL: Infinity, bestEpoch: 0, adamSteps: 0, restarts: [] };
}

/**
 * Loads `last.ckpt`'s weights and optimiser into `trainer` and returns the state it holds, or null
 * when the folder has none; refuses a run made with settings that would make it another run.
 */
export async function resume(runDir: string, config: TrainConfig, trainer: Trainer): Promise<RunState | null> {
  const path = join(runDir, LAST_CHECKPOINT);
  const found = await readFile(path).then(
    () => true,
    () => false,
  );
  if (!found) return null;
  const { meta, arrays } = await readCheckpoint<RunState>(path);
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
 * Writes `last.ckpt`: the trainer's weights and optimiser, and `state` — which first takes the
 * optimiser's step count and `secondsSpent`. Resolves with the checkpoint's path.
 */
export async function saveLast(runDir: string, state: RunState, trainer: Trainer, secondsSpent: number): Promise<string> {
  const path = join(runDir, LAST_CHECKPOINT);
  const adam = trainer.optimizer.saveState();
  state.adamSteps = adam.t;
  state.secondsSpent = secondsSpent;
  await writeCheckpoint<RunState>(path, { meta: state, arrays: { weights: trainer.weights, adamM: adam.m, adamV: adam.v } });
  return path;
}

export async function saveBest(runDir: string, trainer: Trainer, meta: ModelCheckpointMeta): Promise<void> {
  await writeCheckpoint<ModelCheckpointMeta>(join(runDir, BEST_CHECKPOINT), { meta, arrays: { weights: trainer.weights } });
}

export async function loadBest(runDir: string, trainer: Trainer): Promise<void> {
  const { arrays } = await readCheckpoint<ModelCheckpointMeta>(join(runDir, BEST_CHECKPOINT));
  trainer.weights.set(arrays.weights);
}

export function saveRun(runDir: string, result: TrainResult): Promise<void> {
  return writeFileAtomic(join(runDir, RUN_FILE), JSON.stringify(result, null, 1));
}
