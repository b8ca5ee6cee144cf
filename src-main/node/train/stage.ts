/**
 * One stage of a run (`mse`, `kl`, `kl10`; see core/training.ts): the rows it trains on, its loss
 * and its share of the time limit, then its epochs until something ends it — its epoch budget,
 * `patience` epochs without a better score, its deadline or a cancel — which it returns.
 */
import { MANY_RATERS } from '../../core/evaluation';
import type { StageName, StopReason } from '../../core/training';
import { trainEpoch } from './epoch';
import type { LossKind } from './loss';
import { priorLoss } from './plateau';
import { loadBest, type RunState } from './run-folder';
import { stageDeadlineSec } from './schedule';
import type { RunSession, StagePlan } from './session';

/** How a stage ended. 'deadline': its share of the time limit ran out; 'skipped': it had no rows to train on. */
export type StageEnd = 'epochs' | 'patience' | 'deadline' | 'cancelled' | 'skipped';

const STAGE_LOSS: Record<StageName, LossKind> = { mse: 'mse', kl: 'kl', kl10: 'kl' };

/** Trains the stage `state.stageIndex` on from where `state` stands; `stopSoFar` is what `run.json` says meanwhile. */
export async function trainStage(session: RunSession, state: RunState, stopSoFar: StopReason): Promise<StageEnd> {
  const { config } = session;
  const stage = config.stages[state.stageIndex];
  const rows = stage === 'kl10' ? session.train.filter((w) => w.totalVotes >= MANY_RATERS) : session.train;
  if (!rows.length) return 'skipped';
  // A stage starts from the best weights of those before it; one resumed mid-way, from its last epoch's.
  if (state.stageEpochs === 0 && state.bestEpoch > 0) await loadBest(session.runDir, session.trainer);
  const plan = planStage(session, state, stage, rows);
  while (state.stageEpochs < config.epochs && state.stale < config.patience) {
    if (pastDeadline(session, state, plan)) return 'deadline';
    if ((await trainEpoch(session, state, plan, stopSoFar)) === 'cancelled') return 'cancelled';
  }
  return state.stale >= config.patience ? 'patience' : 'epochs';
}

function planStage(session: RunSession, state: RunState, stage: StageName, rows: StagePlan['rows']): StagePlan {
  const loss = STAGE_LOSS[stage];
  return {
    stage,
    loss,
    rows,
    steps: Math.ceil(rows.length / session.config.batch),
    priorLoss: priorLoss(
      rows.map((w) => w.target),
      loss,
    ),
    deadlineSec: stageDeadlineSec(session.config, state.stageIndex, session.elapsedSec()),
  };
}

/** Whether another epoch, as long as the last, would end past the stage's deadline; never before this session's first, so a run always moves forward. */
function pastDeadline(session: RunSession, state: RunState, plan: StagePlan): boolean {
  if (state.epochs <= session.resumedEpochs) return false;
  const lastEpochSec = state.history.at(-1)?.seconds ?? 0;
  return session.elapsedSec() + lastEpochSec > plan.deadlineSec;
}
