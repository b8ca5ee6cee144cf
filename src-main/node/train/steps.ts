/**
 * One epoch's optimiser steps over a stage's rows: in an order shuffled by the epoch's seed,
 * augmented, a batch at a time along the stage's learning-rate schedule, with a `progress` event
 * after each step. The next batch's samples are read from the cache while a step computes. A
 * cancel stops it before its next step.
 */
import { Random } from '../../core/random';
import { runShare } from '../../core/training';
import { DEFAULT_AUGMENTATION, fillBatch, loadBatch, NO_AUGMENTATION } from './data';
import type { RunState } from './run-folder';
import { learningRate, secondsLeft } from './schedule';
import type { RunSession, StagePlan } from './session';

/** The epoch's loss summed over its rows (each batch's mean times its size), or 'cancelled'. */
export async function trainSteps(session: RunSession, state: RunState, plan: StagePlan, epochStartMs: number): Promise<number | 'cancelled'> {
  const { config, set, trainer, x, y } = session;
  // One stream per epoch of the run for its order and augmentation, so a resumed run draws what an unbroken one would.
  const rng = new Random(config.seed * 7919 + state.epochs + 1);
  const order = shuffle(plan.rows, rng);
  const augmentation = config.augment ? DEFAULT_AUGMENTATION : NO_AUGMENTATION;
  const batchAt = (step: number) => order.slice(step * config.batch, (step + 1) * config.batch);
  let lossSum = 0;
  let loaded = loadBatch(set, batchAt(0), augmentation);
  try {
    for (let step = 0; step < plan.steps; step++) {
      if (session.signal?.aborted) return 'cancelled';
      trainer.optimizer.lr = learningRate(config, state.stageEpochs + step / plan.steps);
      const batch = batchAt(step);
      await loaded;
      fillBatch(set, batch, x, y, augmentation, rng);
      // x holds this batch now, so the next one's reads may evict its samples.
      loaded = step + 1 < plan.steps ? loadBatch(set, batchAt(step + 1), augmentation) : Promise.resolve();
      const n = batch.length;
      lossSum += (await trainer.step(x.subarray(0, (n * x.length) / config.batch), y.subarray(0, n * 6), n, plan.loss)) * n;
      reportProgress(session, state, plan, { step, done: step * config.batch + n, lossSum, epochStartMs });
    }
    return lossSum;
  } finally {
    // A read still going when a cancel or a failed step ends the epoch has nobody left to hear its outcome.
    loaded.catch(() => {});
  }
}

/** The `progress` event after step `step` (0-based), `done` rows into the epoch. */
function reportProgress(session: RunSession, state: RunState, plan: StagePlan, at: { step: number; done: number; lossSum: number; epochStartMs: number }): void {
  const { config } = session;
  const { step, done } = at;
  const epochSec = (performance.now() - at.epochStartMs) / 1000;
  const epochsLeft = Math.max(0, config.epochs - state.stageEpochs - 1);
  const etaSec = Math.min(secondsLeft(config, session.elapsedSec()), (epochSec / done) * (plan.rows.length - done + epochsLeft * plan.rows.length));
  const share = runShare(config, { stageIndex: state.stageIndex, stageEpochs: state.stageEpochs + (step + 1) / plan.steps, elapsedSec: session.elapsedSec() });
  session.onEvent({
    type: 'progress',
    stage: plan.stage,
    epoch: state.epochs + 1,
    step: step + 1,
    steps: plan.steps,
    loss: at.lossSum / done,
    samplesPerSec: done / epochSec,
    etaSec,
    runShare: share,
  });
}

function shuffle<T>(items: readonly T[], rng: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
