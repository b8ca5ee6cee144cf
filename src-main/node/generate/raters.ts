/**
 * The experts: how many look at a window (bimodal, as in the real data: mostly 3, else 10–28,
 * almost never 7–9) and how they vote (each rater draws from the window's true distribution).
 */
import type { Random } from '../../core/random';

/** Rater count for a clear window (few raters) or an ambiguous one (many raters). */
export function raterCount(rng: Random, ambiguous: boolean): number {
  if (ambiguous) return rng.chance(0.7) ? rng.int(10, 18) : rng.int(19, 28);
  const r = rng.next();
  if (r < 0.08) return 1;
  if (r < 0.14) return 2;
  if (r < 0.88) return 3;
  return rng.int(4, 6);
}

/** Multinomial votes: `raters` independent draws from `truth`. */
export function drawVotes(rng: Random, truth: readonly number[], raters: number): number[] {
  const votes = truth.map(() => 0);
  for (let r = 0; r < raters; r++) votes[rng.weighted(truth)]++;
  return votes;
}
