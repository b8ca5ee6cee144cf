/**
 * How good a model's predictions are against the experts: Kaggle's KL on all rows and on rows
 * with ≥ 10 raters (where the votes approach the truth), accuracy against the consensus, the
 * confusion matrix and per-class figures; beside them the baselines that give KL meaning — the
 * class prior (a model that ignores the EEG) and, for the built-in data, the floor (the truth
 * itself, the best any model can do).
 */
import { argmax } from './dataset';
import { CLASSES } from './eeg';
import { klDivergence } from './metrics';

export const MANY_RATERS = 10;

export interface ClassFigures {
  support: number;
  precision: number;
  recall: number;
}

export interface Evaluation {
  rows: number;
  rows10: number;
  valKL: number;
  /** NaN when no row has ≥ 10 raters. */
  valKL10: number;
  priorKL: number;
  priorKL10: number;
  /** The truth's KL against the votes, when the truth is known (built-in data). */
  floorKL?: number;
  floorKL10?: number;
  accuracy: number;
  /** confusion[consensus][predicted], counts, classes in CLASSES order. */
  confusion: number[][];
  perClass: Record<string, ClassFigures>;
}

export interface EvaluatedRow {
  target: readonly number[];
  totalVotes: number;
  prediction: readonly number[];
  /** The true distribution, when known. */
  truth?: readonly number[];
}

export function evaluate(rows: readonly EvaluatedRow[], prior: readonly number[]): Evaluation {
  const many = rows.filter((r) => r.totalVotes >= MANY_RATERS);
  const kl = (rs: readonly EvaluatedRow[], pick: (r: EvaluatedRow) => readonly number[]) =>
    rs.length
      ? klDivergence(
          rs.map((r) => r.target),
          rs.map(pick),
        )
      : NaN;
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  for (const r of rows) confusion[argmax(r.target)][argmax(r.prediction)]++;
  const known = rows.every((r) => r.truth);
  return {
    rows: rows.length,
    rows10: many.length,
    valKL: kl(rows, (r) => r.prediction),
    valKL10: kl(many, (r) => r.prediction),
    priorKL: kl(rows, () => prior),
    priorKL10: kl(many, () => prior),
    ...(known && rows.length ? { floorKL: kl(rows, (r) => r.truth!), floorKL10: kl(many, (r) => r.truth!) } : {}),
    accuracy: rows.length ? confusion.reduce((n, row, k) => n + row[k], 0) / rows.length : NaN,
    confusion,
    perClass: classFigures(confusion),
  };
}

/**
 * The evaluations of disjoint sets of rows (the held-out folds of a cross-validation) as one:
 * every figure is what `evaluate` gives on all their rows together, each fold's prior its own.
 */
export function poolEvaluations(folds: readonly Evaluation[]): Evaluation {
  const mean = (pick: (e: Evaluation) => number | undefined, weight: (e: Evaluation) => number) => {
    const counted = folds.filter((e) => weight(e) > 0);
    const total = counted.reduce((n, e) => n + weight(e), 0);
    return total ? counted.reduce((sum, e) => sum + pick(e)! * weight(e), 0) / total : NaN;
  };
  const rows = (e: Evaluation) => e.rows;
  const rows10 = (e: Evaluation) => e.rows10;
  const confusion = CLASSES.map((_, i) => CLASSES.map((_, j) => folds.reduce((n, e) => n + e.confusion[i][j], 0)));
  const known = folds.length > 0 && folds.every((e) => e.floorKL !== undefined);
  return {
    rows: folds.reduce((n, e) => n + e.rows, 0),
    rows10: folds.reduce((n, e) => n + e.rows10, 0),
    valKL: mean((e) => e.valKL, rows),
    valKL10: mean((e) => e.valKL10, rows10),
    priorKL: mean((e) => e.priorKL, rows),
    priorKL10: mean((e) => e.priorKL10, rows10),
    ...(known ? { floorKL: mean((e) => e.floorKL, rows), floorKL10: mean((e) => e.floorKL10, rows10) } : {}),
    accuracy: mean((e) => e.accuracy, rows),
    confusion,
    perClass: classFigures(confusion),
  };
}

function classFigures(confusion: number[][]): Record<string, ClassFigures> {
  const perClass: Record<string, ClassFigures> = {};
  CLASSES.forEach((c, k) => {
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((n, row) => n + row[k], 0);
    perClass[c] = { support, precision: predicted ? confusion[k][k] / predicted : NaN, recall: support ? confusion[k][k] / support : NaN };
  });
  return perClass;
}
