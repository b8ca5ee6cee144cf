/** How a run's evaluation reads on a terminal, and the keys of `--json`. */
import { CLASSES } from '../../core/eeg';
import type { Evaluation } from '../../core/evaluation';
import type { RestartRecord, TrainResult } from '../../core/training';

export function formatEvaluation(result: Pick<TrainResult, 'evaluation' | 'bestEpoch' | 'runDir'>): string[] {
  const e = result.evaluation;
  if (!e) return ['no epoch finished: nothing to evaluate'];
  return [`best epoch ${result.bestEpoch} (${result.runDir}/best.ckpt):`, ...formatMetrics(e)];
}

export function formatMetrics(e: Evaluation): string[] {
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(4));
  const pct = (v: number) => (Number.isNaN(v) ? '—' : `${(100 * v).toFixed(0)}%`);
  const short = CLASSES.map((c) => c.slice(0, 7).padStart(7));
  return [
    `  KL         ${f(e.valKL)} on ${e.rows} windows   ≥10 raters ${f(e.valKL10)} on ${e.rows10}`,
    `  prior KL   ${f(e.priorKL)}                ≥10 raters ${f(e.priorKL10)}`,
    ...(e.floorKL !== undefined ? [`  floor KL   ${f(e.floorKL)}                ≥10 raters ${f(e.floorKL10)}   (the truth: the best any model can do)`] : []),
    `  accuracy   ${pct(e.accuracy)} against the experts' consensus`,
    `  confusion (rows: consensus, columns: predicted)`,
    `  ${' '.repeat(8)}${short.join('')}    recall`,
    ...CLASSES.map((c, k) => `  ${c.padEnd(8)}${e.confusion[k].map((n) => String(n).padStart(7)).join('')}    ${pct(e.perClass[c].recall)}`),
  ];
}

/** What a restart from fresh weights says on the console. */
export function restartLine(r: RestartRecord, restartsLeft: number): string {
  return `restarting ${r.stage} from fresh weights (seed ${r.initSeed}) after epoch ${r.atEpoch}: ${r.reason}${restartsLeft ? '' : '; no restarts left'}`;
}

export function summaryJson(result: TrainResult): Record<string, unknown> {
  return {
    status: result.status,
    runDir: result.runDir,
    model: result.config.model,
    ...metricsJson(result.evaluation),
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    stopReason: result.stopReason,
    restarts: result.restarts ?? [],
    backend: result.backend.name,
    device: result.backend.device,
    threads: result.backend.threads,
    trainWindows: result.trainWindows,
    valWindows: result.valWindows,
    seconds: result.seconds,
  };
}

/** `--fold all`: the pooled figures of every held-out fold first, each fold's own summary in `folds`. */
export function crossValidationJson(runDir: string, results: readonly TrainResult[], pooled: Evaluation): Record<string, unknown> {
  const [first] = results;
  return {
    status: 'finished',
    runDir,
    model: first.config.model,
    ...metricsJson(pooled),
    epochs: results.reduce((n, r) => n + r.epochs, 0),
    backend: first.backend.name,
    device: first.backend.device,
    threads: first.backend.threads,
    windows: pooled.rows,
    seconds: results.reduce((n, r) => n + r.seconds, 0),
    folds: results.map(summaryJson),
  };
}

function metricsJson(e: Evaluation | undefined): Record<string, unknown> {
  return {
    valKL: e?.valKL ?? null,
    valKL10: e?.valKL10 ?? null,
    priorKL: e?.priorKL ?? null,
    ...(e?.floorKL !== undefined ? { floorKL: e.floorKL, floorKL10: e.floorKL10 } : {}),
    accuracy: e?.accuracy ?? null,
    confusion: e?.confusion ?? null,
    perClass: e?.perClass ?? null,
  };
}
