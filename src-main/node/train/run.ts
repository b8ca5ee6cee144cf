/**
 * A training run: the held-out fold, stages, augmentation, Adam with warm-up and cosine decay,
 * early stopping on validation KL, a checkpoint every epoch (`last.ckpt`: weights and optimiser)
 * and on every improvement (`best.ckpt`: weights and metrics), resume from `last.ckpt`, cancel at
 * any step keeping the best, and a fresh start for a stage whose training loss sits at the
 * prior's (see plateau.ts). Everything it says goes through `onEvent` (see core/training.ts),
 * and `run.json` in the run folder always holds the state of the run. One process at a time
 * trains in a run folder (see folder-lock.ts); a time limit covers the whole run, the sessions
 * before a resume included (up to their last checkpoint).
 *
 * The loop's modules, outermost first: session.ts (what a session fixes), stage.ts, epoch.ts,
 * steps.ts; run-folder.ts reads and writes the folder, schedule.ts times it all.
 */
import { evaluate, type Evaluation } from '../../core/evaluation';
import { describeModel } from '../../core/models';
import type { StopReason, TrainConfig, TrainResult } from '../../core/training';
import { lockFolder } from '../folder-lock';
import { evaluatedRows, predictWindows } from './predict-windows';
import { loadBest, saveRun, type RunState } from './run-folder';
import { openSession, runResult, type RunOptions, type RunSession } from './session';
import { trainStage } from './stage';
import { readTruth } from './truth';

export async function trainRun(config: TrainConfig, runDir: string, options: RunOptions = {}): Promise<TrainResult> {
  const lock = await lockFolder(runDir, 'training');
  try {
    return await trainLocked(config, runDir, options);
  } finally {
    await lock.release();
  }
}

async function trainLocked(config: TrainConfig, runDir: string, options: RunOptions): Promise<TrainResult> {
  const { session, state } = await openSession(config, runDir, options);
  try {
    session.onEvent({
      type: 'started',
      backend: session.trainer.backend,
      trainWindows: session.train.length,
      valWindows: session.val.length,
      parameters: describeModel(session.spec).parameters,
      resumedFromEpoch: state.epochs,
    });
    const stop = await trainStages(session, state);
    const evaluation = state.bestEpoch > 0 ? await evaluateBest(session) : undefined;
    const final = runResult(session, state, stop === 'cancelled' ? 'cancelled' : 'finished', stop, evaluation);
    await saveRun(runDir, final);
    return final;
  } finally {
    await session.trainer.close();
  }
}

/** Trains the stages left, in order, and says why the run stopped. */
async function trainStages(session: RunSession, state: RunState): Promise<StopReason> {
  const { stages } = session.config;
  let stop: StopReason = 'epochs';
  for (; state.stageIndex < stages.length; state.stageIndex++, state.stageEpochs = 0, state.stale = 0) {
    const end = await trainStage(session, state, stop);
    if (end === 'cancelled') return 'cancelled';
    // An earlier stage out of its share of the time leaves the rest to the stages after it.
    if (end === 'deadline' && state.stageIndex === stages.length - 1) return 'time-limit';
    if (end !== 'skipped') stop = end === 'patience' ? 'patience' : 'epochs';
  }
  return stop;
}

/** The best checkpoint on the held-out fold, scored against the dataset's true distributions too where it has them (truth.ts). */
async function evaluateBest(session: RunSession): Promise<Evaluation> {
  await loadBest(session.runDir, session.trainer);
  const predictions = await predictWindows(session.trainer, session.set, session.val, session.config.batch);
  const truth = await readTruth(session.set.manifest.source).catch(() => null);
  return evaluate(evaluatedRows(session.val, predictions, truth), session.trainPrior);
}
