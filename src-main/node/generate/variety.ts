/**
 * How widely the generator draws what a recording looks like (domain randomisation): every
 * parameter of a patient, a scene and its artifacts comes from a range that depends on one number,
 * the variety. At 1 (the default) a range is the generator's long-standing one, centred where it
 * always was; at 0 it shrinks to its centre, so every patient looks alike; towards 2 it widens to
 * what real EEG shows. What a window's experts vote (the scene's truth) does not depend on it: only
 * how the patterns and the rest of the recording look does, so a model has to learn the pattern.
 */
import type { Random } from '../../core/random';

export const DEFAULT_VARIETY = 1;
export const MAX_VARIETY = 2;

/** A range at variety 1 and at variety 2; at 0 its variety-1 centre (geometric when `log`). */
export interface Span {
  at1: readonly [number, number];
  at2: readonly [number, number];
  /** Drawn log-uniformly: for quantities that span orders of magnitude. */
  log?: boolean;
}

/** A probability at varieties 0, 1 and 2. */
export type Rate = readonly [number, number, number];

export function checkVariety(variety: number): number {
  if (!(variety >= 0 && variety <= MAX_VARIETY)) throw new RangeError(`variety must be from 0 to ${MAX_VARIETY}, got ${variety}`);
  return variety;
}

/** Piecewise linear through (0, a), (1, b), (2, c). */
function through(a: number, b: number, c: number, v: number): number {
  return v <= 1 ? a + (b - a) * v : b + (c - b) * (v - 1);
}

/** The range a span spans at `variety`. */
export function spanAt(s: Span, variety: number): [number, number] {
  const to = (x: number) => (s.log ? Math.log(x) : x);
  const from = (x: number) => (s.log ? Math.exp(x) : x);
  const [lo1, hi1] = s.at1.map(to);
  const [lo2, hi2] = s.at2.map(to);
  const centre = (lo1 + hi1) / 2;
  return [from(through(centre, lo1, lo2, variety)), from(through(centre, hi1, hi2, variety))];
}

/** One draw from the span's range at `variety` (one random number whatever the variety, so streams stay aligned). */
export function draw(rng: Random, s: Span, variety: number): number {
  const [lo, hi] = spanAt(s, variety);
  const u = rng.next();
  return s.log ? lo * (hi / lo) ** u : lo + (hi - lo) * u;
}

export function rateAt(r: Rate, variety: number): number {
  return through(r[0], r[1], r[2], variety);
}

export function happens(rng: Random, r: Rate, variety: number): boolean {
  return rng.next() < rateAt(r, variety);
}
