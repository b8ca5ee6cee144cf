/**
 * A seizure: an evolving rhythmic discharge (ACNS 2021: evolution in frequency, morphology and
 * location). It starts focal on one side, fast and low, then slows, grows, turns to
 * spike-and-wave and spreads over the recording. Onset rhythm, end rhythm, pace, onset zone, spread
 * and spike shape are drawn from their ranges (ranges.ts SEIZURE).
 */
import { HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import type { Random } from '../../core/random';
import { field } from './head';
import type { Patient } from './patient';
import { SEIZURE as R } from './ranges';
import { draw } from './variety';
import { discharge } from './waves';

/** Adds a seizure of peak `amplitude` (µV) on the side `x` (−1 left, 1 right) to the electrodes, in place. */
export function seizure(rng: Random, patient: Patient, amplitude: number, x: number, eeg: Float64Array[]): void {
  const d = (span: (typeof R)[keyof typeof R]) => draw(rng, span, patient.variety);
  const onset: [number, number] = [d(R.onsetX) * x, d(R.onsetY)];
  const focal = field(onset, 0.35);
  const spread = field([0.7 * onset[0], onset[1]], d(R.spreadWidth));
  const f0 = d(R.onsetHz);
  const f1 = d(R.endHz);
  const sharpness = d(R.spikeSharpness);
  const sine = d(R.sineShare);
  const samples = eeg[0].length;
  const wave = new Float64Array(samples);
  const progress = new Float64Array(samples);
  let phase = 0;
  let nextSpike = 0;
  // Evolution over about a minute, or the whole recording when longer, so every window sees change.
  const evolutionSec = Math.max(samples / FS, d(R.evolutionSec));
  for (let i = 0; i < samples; i++) {
    const u = Math.min(1, Math.max(0, i / FS / evolutionSec + 0.1 * Math.sin(i / FS / 7)));
    progress[i] = u;
    phase += (2 * Math.PI * (f0 + (f1 - f0) * u)) / FS;
    wave[i] += amplitude * (0.3 + 0.7 * u) * sine * Math.sin(phase);
    if (phase >= nextSpike) {
      nextSpike = phase + 2 * Math.PI;
      discharge(wave, i, amplitude * (0.3 + 0.7 * u), patient.discharge, sharpness);
    }
  }
  eeg.forEach((ch, e) => {
    for (let i = 0; i < samples; i++) ch[i] += ((1 - progress[i]) * focal[e] + progress[i] * spread[e]) * wave[i];
  });
}
