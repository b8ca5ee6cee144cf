import { describe, expect, it } from 'vitest';
import { calibrationError, fitTemperature, reliability, scaledAll, withTemperature } from './calibration';
import { klDivergence } from './metrics';

/** A seeded stream in [0, 1), so the test is the same every run. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function softmax(z: readonly number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe('temperature scaling', () => {
  it('finds the temperature that made a model overconfident, and lowers its KL and calibration error', () => {
    const next = uniform(7);
    const logits = Array.from({ length: 2000 }, () => Array.from({ length: 6 }, () => 2 * next()));
    // The experts' votes follow softmax(z); the model says softmax(3z): three times too sure.
    const targets = logits.map(softmax);
    const predictions = logits.map((z) => softmax(z.map((v) => 3 * v)));
    const t = fitTemperature(predictions, targets);
    expect(t).toBeCloseTo(3, 3);
    const scaled = scaledAll(predictions, t);
    expect(klDivergence(targets, scaled)).toBeLessThan(1e-6);
    expect(klDivergence(targets, predictions)).toBeGreaterThan(0.05);
    // Hard labels drawn from the votes: a calibrated model is right as often as it claims.
    const drawn = targets.map((p) => {
      let u = next();
      const k = p.findIndex((v) => (u -= v) < 0);
      return p.map((_, i) => (i === (k < 0 ? 5 : k) ? 1 : 0));
    });
    expect(calibrationError(reliability(scaled, drawn))).toBeLessThan(calibrationError(reliability(predictions, drawn)) / 2);
  });

  it('keeps the ranking, and leaves probabilities alone at T = 1', () => {
    const p = [0.5, 0.2, 0.1, 0.1, 0.05, 0.05];
    withTemperature(p, 1).forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
    const soft = withTemperature(p, 4);
    expect(soft.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(soft[0]).toBeLessThan(p[0]);
    expect(soft.indexOf(Math.max(...soft))).toBe(0);
  });

  it('bins windows by their top probability, counting who is right', () => {
    const bins = reliability(
      [
        [0.95, 0.05, 0, 0, 0, 0],
        [0.15, 0.85, 0, 0, 0, 0],
        [0.9, 0.1, 0, 0, 0, 0],
      ],
      [
        [1, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 0],
      ],
    );
    expect(bins).toHaveLength(10);
    expect(bins[9]).toMatchObject({ windows: 2, accuracy: 0.5 });
    expect(bins[9].confidence).toBeCloseTo(0.925, 12);
    expect(bins[8]).toMatchObject({ windows: 1, accuracy: 0 });
    expect(calibrationError(bins)).toBeCloseTo((2 / 3) * 0.425 + (1 / 3) * 0.85, 12);
  });
});
