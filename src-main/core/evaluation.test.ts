import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation';

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
