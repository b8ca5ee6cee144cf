/**
 * The guard against a run that does not learn (issue #14): when a stage's training loss stays at
 * the prior's — what predicting every training window's mean vote distribution scores — for
 * `PLATEAU_EPOCHS` epochs after the warm-up, the stage starts over from fresh weights drawn from a
 * seed derived from the run's, at most `MAX_RESTARTS` times.
 */
import { classPrior, klDivergence } from '../../core/metrics';
import type { EpochRecord } from '../../core/training';
import type { LossKind } from './loss';

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
