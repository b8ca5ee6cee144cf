/**
 * Temperature scaling (Guo et al., 2017): one number T that divides a model's logits before the
 * softmax, fitted on held-out windows so that the probabilities mean what they say. It never
 * changes which class is ranked first, only how sure the model claims to be. The logits need not
 * be known: softmax(log p / T) equals softmax(z / T) for p = softmax(z), so probabilities suffice.
 */
import { klDivergence } from './metrics';

/** The range T is searched in: beyond it a model is all but uniform or all but one-hot. */
const T_RANGE = [0.05, 20] as const;

/** Probabilities sharpened (T < 1) or softened (T > 1) as logits / T would be. */
export function withTemperature(p: readonly number[], temperature: number): number[] {
  const logs = p.map((v) => Math.log(Math.max(v, 1e-30)) / temperature);
  const top = Math.max(...logs);
  const e = logs.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * The T that minimises the KL of the scaled predictions from the targets (the competition's metric,
 * which for soft targets is the cross-entropy up to a constant: convex in 1/T), by golden-section
 * search on log T.
 */
export function fitTemperature(predictions: readonly (readonly number[])[], targets: readonly (readonly number[])[]): number {
  const loss = (logT: number) => klDivergence(targets, scaledAll(predictions, Math.exp(logT)));
  let [a, b] = T_RANGE.map(Math.log);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = loss(c);
  let fd = loss(d);
  for (let i = 0; i < 60 && b - a > 1e-6; i++) {
    if (fc < fd) {
      [b, d, fd] = [d, c, fc];
      c = b - ratio * (b - a);
      fc = loss(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + ratio * (b - a);
      fd = loss(d);
    }
  }
  return Math.exp((a + b) / 2);
}

export function scaledAll(predictions: readonly (readonly number[])[], temperature: number): number[][] {
  return predictions.map((p) => withTemperature(p, temperature));
}

/** One bin of a reliability diagram: windows whose top probability fell in [from, to). */
export interface ReliabilityBin {
  from: number;
  to: number;
  windows: number;
  /** Mean top probability of the bin's windows. */
  confidence: number;
  /** Share of them whose top class is the experts' majority class. */
  accuracy: number;
}

/** Top probability against the share right, in `bins` equal bins (empty bins kept, with zeros). */
export function reliability(predictions: readonly (readonly number[])[], targets: readonly (readonly number[])[], bins = 10): ReliabilityBin[] {
  const out = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, windows: 0, confidence: 0, accuracy: 0 }));
  predictions.forEach((p, r) => {
    const top = argmax(p);
    const bin = out[Math.min(bins - 1, Math.floor(p[top] * bins))];
    bin.windows++;
    bin.confidence += p[top];
    if (top === argmax(targets[r])) bin.accuracy++;
  });
  for (const bin of out) if (bin.windows) [bin.confidence, bin.accuracy] = [bin.confidence / bin.windows, bin.accuracy / bin.windows];
  return out;
}

/** Expected calibration error: the windows' mean gap between top probability and being right, bin by bin. */
export function calibrationError(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((n, b) => n + b.windows, 0);
  return total ? bins.reduce((sum, b) => sum + (b.windows / total) * Math.abs(b.confidence - b.accuracy), 0) : NaN;
}

function argmax(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
