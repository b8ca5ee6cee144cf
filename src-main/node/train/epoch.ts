/**
 * One epoch of a stage: its steps (steps.ts), then its score on the held-out fold, `best.ckpt`
 * when it beats the best so far, a fresh start when the stage has stalled (plateau.ts),
 * `last.ckpt`, its events, and `run.json` saying that the run is going.
 */
import { evaluate } from '../../core/evaluation';
import type { EpochRecord, StopReason } from '../../core/training';
import { MAX_RESTARTS, restartIfStuck } from './plateau';
import { evaluatedRows, predictWindows } from './predict-windows';
import { saveBest, saveLast, saveRun, type RunState } from './run-folder';
import { runResult, type RunSession, type StagePlan } from './session';
import { trainSteps } from './steps';

export type EpochEnd = 'finished' | 'cancelled';

/** Trains and saves one epoch; `stopSoFar` is what `run.json` says about the stages ended so far. */
export async function trainEpoch(session: RunSession, state: RunState, plan: StagePlan, stopSoFar: StopReason): Promise<EpochEnd> {
  const startedMs = performance.now();
  const lossSum = await trainSteps(session, state, plan, startedMs);
  if (lossSum === 'cancelled') return 'cancelled';
  const { record, best } = await scoreEpoch(session, state, plan, lossSum / plan.rows.length, startedMs);
  const restart = restartIfStuck(state, plan.stage, plan.priorLoss, session.trainer, session.spec, session.config.seed);
  const lastPath = await saveLast(session.runDir, state, session.trainer, session.elapsedSec());
  session.onEvent({ type: 'epoch', record, best });
  if (restart) session.onEvent({ type: 'restart', restart, restartsLeft: MAX_RESTARTS - state.restarts.length });
  session.onEvent({ type: 'checkpoint', path: lastPath, epoch: state.epochs });
  await saveRun(session.runDir, runResult(session, state, 'running', stopSoFar));
  return 'finished';
}

/** Scores the epoch's weights on the held-out fold, counts the epoch in `state`, and keeps the weights in `best.ckpt` when they are the best yet. */
async function scoreEpoch(session: RunSession, state: RunState, plan: StagePlan, trainLoss: number, startedMs: number): Promise<{ record: EpochRecord; best: boolean }> {
  const { trainer } = session;
  const predictions = await predictWindows(trainer, session.set, session.val, session.config.batch);
  const e = evaluate(evaluatedRows(session.val, predictions), session.trainPrior);
  state.epochs++;
  state.stageEpochs++;
  const record: EpochRecord = {
    stage: plan.stage,
    epoch: state.epochs,
    trainLoss,
    valKL: e.valKL,
    valKL10: e.valKL10,
    lr: trainer.optimizer.lr,
    seconds: (performance.now() - startedMs) / 1000,
  };
  state.history.push(record);
  const best = e.valKL < state.bestValKL;
  if (best) {
    state.bestValKL = e.valKL;
    state.bestEpoch = state.epochs;
    state.stale = 0;
    await saveBest(session.runDir, trainer, { ...session.bestMeta, epoch: state.epochs, valKL: e.valKL });
  } else state.stale++;
  return { record, best };
}
