import { describe, expect, it } from 'vitest';
import { classPrior, entropy, klDivergence, klRow, normaliseVotes } from './metrics';

describe("Kaggle's KL divergence", () => {
  it('is 0 for a perfect prediction and follows Σ t·log(t/p) otherwise', () => {
    expect(klRow([0.5, 0.5, 0, 0, 0, 0], [0.5, 0.5, 0, 0, 0, 0])).toBeCloseTo(0, 12);
    expect(klRow([1, 0, 0, 0, 0, 0], [0.5, 0.1, 0.1, 0.1, 0.1, 0.1])).toBeCloseTo(Math.log(2), 12);
    // scipy.special.kl_div / the Kaggle notebook give 0.2231435513 for this pair
    expect(klRow([0.8, 0.2, 0, 0, 0, 0], [0.6, 0.4, 0, 0, 0, 0])).toBeCloseTo(0.8 * Math.log(0.8 / 0.6) + 0.2 * Math.log(0.5), 12);
  });

  it('clips predictions at 1e-15, so a confident miss costs ~34.5 nats, not infinity', () => {
    expect(klRow([1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0])).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('averages over rows', () => {
    const kl = klDivergence(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
    );
    expect(kl).toBeCloseTo(Math.log(2), 12);
    expect(() => klDivergence([[1, 0]], [])).toThrow('1 targets but 0 predictions');
  });

  it('normalises votes, computes the prior and entropy', () => {
    expect(normaliseVotes([3, 0, 1, 0, 0, 0])).toEqual([0.75, 0, 0.25, 0, 0, 0]);
    expect(
      classPrior([
        [1, 0],
        [0.5, 0.5],
      ]),
    ).toEqual([0.75, 0.25]);
    expect(entropy([0.5, 0.5])).toBeCloseTo(Math.log(2), 12);
    expect(entropy([1, 0])).toBe(0);
  });
});
