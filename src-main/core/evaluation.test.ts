import { describe, expect, it } from 'vitest';
import { evaluate, poolEvaluations } from './evaluation';

describe('evaluate', () => {
  it('scores KL on all rows and ≥10-rater rows, accuracy, confusion and per-class figures, with prior and floor', () => {
    const rows = [
      { target: [1, 0, 0, 0, 0, 0], totalVotes: 3, prediction: [0.5, 0.5, 0, 0, 0, 0], truth: [1, 0, 0, 0, 0, 0] },
      { target: [0, 0.5, 0.5, 0, 0, 0], totalVotes: 12, prediction: [0, 0.25, 0.75, 0, 0, 0], truth: [0, 0.5, 0.5, 0, 0, 0] },
    ];
    const prior = [0.5, 0.25, 0.25, 0, 0, 0];
    const e = evaluate(rows, prior);
    const row2 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    expect(e.valKL).toBeCloseTo((Math.log(2) + row2) / 2, 12);
    expect(e.valKL10).toBeCloseTo(row2, 12);
    expect(e.priorKL).toBeCloseTo((Math.log(2) + 2 * 0.5 * Math.log(2)) / 2, 12);
    expect(e.floorKL).toBeCloseTo(0, 12);
    expect(e.rows10).toBe(1);
    // Row 2's consensus is its first maximum (lpd); the prediction's is gpd.
    expect(e.confusion[0][0]).toBe(1);
    expect(e.confusion[1][2]).toBe(1);
    expect(e.accuracy).toBe(0.5);
    expect(e.perClass.lpd).toEqual({ support: 1, precision: NaN, recall: 0 });
    expect(e.perClass.gpd.precision).toBe(0);
  });

  it('leaves the floor out when the truth is unknown, and ≥10-rater figures NaN when no row has that many', () => {
    const e = evaluate([{ target: [0, 0, 0, 0, 0, 1], totalVotes: 2, prediction: [0, 0, 0, 0, 0, 1] }], [0, 0, 0, 0, 0, 1]);
    expect(e.floorKL).toBeUndefined();
    expect(e.valKL10).toBeNaN();
    expect(e.valKL).toBeCloseTo(0, 12);
  });
});

describe('poolEvaluations', () => {
  it("gives what evaluating all the folds' rows together gives, each fold keeping its own prior", () => {
    const row = (c: number, votes: number, guess: number) => {
      const target = [0, 0, 0, 0, 0, 0].map((_, k) => (k === c ? 0.8 : 0.04));
      const prediction = [0, 0, 0, 0, 0, 0].map((_, k) => (k === guess ? 0.6 : 0.08));
      return { target, totalVotes: votes, prediction, truth: target.map((t) => 0.5 * t + 0.5 / 6) };
    };
    const foldA = [row(0, 3, 0), row(1, 12, 2), row(5, 3, 5)];
    const foldB = [row(2, 15, 2), row(3, 3, 4)];
    const prior = [0.3, 0.2, 0.1, 0.1, 0.1, 0.2];
    const pooled = poolEvaluations([evaluate(foldA, prior), evaluate(foldB, prior)]);
    const together = evaluate([...foldA, ...foldB], prior);
    for (const key of ['rows', 'rows10', 'valKL', 'valKL10', 'priorKL', 'priorKL10', 'floorKL', 'floorKL10', 'accuracy'] as const)
      expect(pooled[key]).toBeCloseTo(together[key]!, 12);
    expect(pooled.confusion).toEqual(together.confusion);
    expect(pooled.perClass).toEqual(together.perClass);
    // A fold without ≥10-rater rows adds nothing to the ≥10-rater figures (its NaN is not averaged in).
    const noMany = poolEvaluations([evaluate(foldA, prior), evaluate([row(3, 3, 3)], prior)]);
    expect(noMany.valKL10).toBeCloseTo(evaluate(foldA, prior).valKL10, 12);
  });
});
