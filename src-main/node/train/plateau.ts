/**
 * The guard against a run that does not learn (issue #14): when a stage's training loss stays at
 * the prior's — what predicting every training window's mean vote distribution scores — for
 * `PLATEAU_EPOCHS` epochs after the warm-up, the stage starts over from fresh weights drawn from a
 * seed derived from the run's, at most `MAX_RESTARTS` times.
 */
import { classPrior, klDivergence } from '../../core/metrics';
import type { ModelSpec } from '../../core/models';
import type { EpochRecord, RestartRecord, StageName } from '../../core/training';
import { initialWeights } from './build-model';
import type { LossKind } from './loss';
import type { RunState } from './run-folder';
import type { Trainer } from './trainer-interface';

/** Epochs after the warm-up (a stage's first) whose loss must all sit at the prior's. */
export const PLATEAU_EPOCHS = 3;
export const MAX_RESTARTS = 2;
/** "At the prior's": no lower than this share of it. Learning runs are at ≤ 0.8 of it by then. */
export const PLATEAU_SHARE = 0.95;

/** The loss (`kind`, as the trainer computes it) of predicting the rows' mean vote distribution for every row. */
export function priorLoss(targets: readonly (readonly number[])[], kind: LossKind): number {
  const prior = classPrior(targets);
  if (kind === 'kl')
    return klDivergence(
      targets,
      targets.map(() => prior),
    );
  const squares = targets.map((t) => t.reduce((sum, v, k) => sum + (v - prior[k]) ** 2, 0) / t.length);
  return squares.reduce((a, b) => a + b, 0) / targets.length;
}

/**
 * Why the stage should start over, or null: the last `PLATEAU_EPOCHS` of its `stageEpochs`
 * epochs (the ends of `history`), none of them the warm-up, all had a loss ≥ `PLATEAU_SHARE` of `prior`.
 */
export function plateauReason(history: readonly EpochRecord[], stageEpochs: number, prior: number): string | null {
  if (stageEpochs < 1 + PLATEAU_EPOCHS) return null;
  const recent = history.slice(-PLATEAU_EPOCHS);
  if (recent.some((r) => r.trainLoss < PLATEAU_SHARE * prior)) return null;
  const losses = recent.map((r) => r.trainLoss.toFixed(3)).join(', ');
  return `training loss stayed at or above the prior's (${prior.toFixed(3)}: the training windows' mean vote distribution for every window) for ${PLATEAU_EPOCHS} epochs after the warm-up: ${losses}`;
}

/** The seed of the `restart`-th fresh start (1, 2, …) of a run seeded `seed`: far from the seeds other runs start from. */
export function restartSeed(seed: number, restart: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(restart, 0x85ebca6b)) >>> 0;
}

/**
 * When the stage's training loss has sat at the prior's and restarts are left: fresh weights from
 * a seed derived from the run's, a fresh optimiser, and the stage's schedule, warm-up and patience
 * from the start (its epoch budget too; a time limit still holds). The best checkpoint so far
 * stays the best until a later epoch beats it.
 */
export function restartIfStuck(state: RunState, stage: StageName, prior: number, trainer: Trainer, spec: ModelSpec, seed: number): RestartRecord | null {
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
