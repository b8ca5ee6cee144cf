/** When things happen in a run: the learning rate over a stage, and each stage's share of the time limit. */
import type { TrainConfig } from '../../core/training';

/** Linear warm-up over the first epoch of a stage, then cosine decay to 1/20 of `lr` at its last epoch. */
export function learningRate({ lr, epochs }: Pick<TrainConfig, 'lr' | 'epochs'>, stageEpoch: number): number {
  if (stageEpoch < 1) return lr * (0.1 + 0.9 * stageEpoch);
  const progress = Math.min(1, (stageEpoch - 1) / Math.max(1, epochs - 1));
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * When, in the run's seconds, the stage `stageIndex` starting at `startSec` should stop starting
 * epochs: the stages left share the time left equally, so pre-training cannot take it all.
 */
export function stageDeadlineSec({ timeLimitSec, stages }: Pick<TrainConfig, 'timeLimitSec' | 'stages'>, stageIndex: number, startSec: number): number {
  if (timeLimitSec === undefined) return Infinity;
  return startSec + (timeLimitSec - startSec) / (stages.length - stageIndex);
}

/** Seconds the run has left by its time limit, from `elapsedSec`; Infinity without one. */
export function secondsLeft({ timeLimitSec }: Pick<TrainConfig, 'timeLimitSec'>, elapsedSec: number): number {
  return timeLimitSec === undefined ? Infinity : Math.max(0, timeLimitSec - elapsedSec);
}
