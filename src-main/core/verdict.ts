/**
 * What a clinician is told of one window: a class only when the model is clear about it, else
 * "uncertain" with the reason — never "Most likely: lpd (18%)" for an output all but uniform.
 */
import { CLASSES } from './eeg';

/** Below this top probability no class is called: with six classes, 40% is one guess among several. */
export const CALL_THRESHOLD = 0.4;
/** Above this share of the uniform distribution's entropy an output says next to nothing. */
export const UNIFORM_ENTROPY = 0.9;

export interface Verdict {
  /** The most probable class and its probability. */
  best: string;
  p: number;
  /** Why no class is called; absent when `best` is. */
  uncertain?: string;
}

export function verdict(probabilities: readonly number[], classes: readonly string[] = CLASSES): Verdict {
  const top = probabilities.reduce((b, v, i) => (v > probabilities[b] ? i : b), 0);
  const p = probabilities[top];
  const entropy = -probabilities.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0) / Math.log(probabilities.length);
  const uncertain = entropy > UNIFORM_ENTROPY ? 'near-uniform output' : p < CALL_THRESHOLD ? `low top probability (under ${100 * CALL_THRESHOLD}%)` : undefined;
  return { best: classes[top], p, ...(uncertain ? { uncertain } : {}) };
}
