/** One generated recording: background, pattern, EKG and artifacts, as HMS's 20 float32 columns. */
import { HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import { addArtifacts, addGap } from './artifacts';
import { background, ekg } from './background';
import type { Patient } from './patient';
import { renderScene, type Scene } from './patterns';
import type { Random } from '../../core/random';
import { RECORDING } from './ranges';
import { draw } from './variety';

export interface GeneratedRecording {
  /** HMS column order: 19 electrodes, then EKG; µV quantised to 0.01 like the real files. */
  columns: Float32Array[];
  hasGap: boolean;
}

export function synthesiseRecording(rng: Random, patient: Patient, scene: Scene, durationSec: number, gapChance: number): GeneratedRecording {
  const samples = Math.round(durationSec * FS);
  const eeg = background(rng, patient, samples);
  renderScene(rng, patient, scene, eeg);
  const heart = ekg(rng, patient, samples);
  addArtifacts(rng, patient, eeg, heart);
  // The amplifier's gain scales every channel alike: absolute µV differ between machines.
  const gain = draw(rng, RECORDING.gain, patient.variety);
  const all = [...eeg, heart];
  for (const ch of all) for (let i = 0; i < samples; i++) ch[i] *= gain;
  const hasGap = rng.chance(gapChance);
  if (hasGap) addGap(rng, all, 8);
  return {
    columns: all.map((ch) => {
      const out = new Float32Array(samples);
      for (let i = 0; i < samples; i++) out[i] = Math.round(ch[i] * 100) / 100;
      return out;
    }),
    hasGap,
  };
}
