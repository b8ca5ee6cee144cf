/**
 * The competition's metric: KL divergence of predictions from the experts' normalised votes,
 * exactly as Kaggle computes it (predictions clipped to [1e-15, 1 − 1e-15], 0·log 0 = 0, mean
 * over rows). Lower is better; predicting the class prior is the baseline to beat.
 */
const EPS = 1e-15;

export function klRow(target: readonly number[], prediction: readonly number[]): number {
  let kl = 0;
  for (let i = 0; i < target.length; i++) {
    const t = target[i];
    if (t <= 0) continue;
    const p = Math.min(1 - EPS, Math.max(EPS, prediction[i]));
    kl += t * Math.log(t / p);
  }
  return kl;
}

export function klDivergence(targets: readonly (readonly number[])[], predictions: readonly (readonly number[])[]): number {
  if (targets.length !== predictions.length) throw new Error(`${targets.length} targets but ${predictions.length} predictions`);
  if (targets.length === 0) return NaN;
  let sum = 0;
  for (let r = 0; r < targets.length; r++) sum += klRow(targets[r], predictions[r]);
  return sum / targets.length;
}

/** Votes → a distribution summing to 1. */
export function normaliseVotes(votes: readonly number[]): number[] {
  const total = votes.reduce((a, b) => a + b, 0);
  return votes.map((v) => v / total);
}

/** The mean target: what a model that ignores the EEG should predict. */
export function classPrior(targets: readonly (readonly number[])[]): number[] {
  const k = targets[0]?.length ?? 0;
  const sum = new Array<number>(k).fill(0);
  for (const t of targets) for (let i = 0; i < k; i++) sum[i] += t[i];
  return sum.map((s) => s / targets.length);
}

/** Shannon entropy (nats) of a distribution. */
export function entropy(p: readonly number[]): number {
  return p.reduce((h, v) => (v > 0 ? h - v * Math.log(v) : h), 0);
}
