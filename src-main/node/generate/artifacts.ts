/**
 * The artifacts of a real ICU recording, each kind at the patient's rate and a range that widens
 * with the variety (ranges.ts RECORDING): eye blinks, muscle, chewing, EKG leakage, mains hum, DC
 * offsets and drift, electrode noise and pops, a bad electrode, NaN gaps.
 */
import { EEG_ELECTRODES, HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import type { Random } from '../../core/random';
import { index } from './head';
import type { Patient } from './patient';
import { RECORDING as R, RECORDING_RATES } from './ranges';
import { draw, happens } from './variety';

const TEMPORAL = ['F7', 'T3', 'T5', 'F8', 'T4', 'T6'].map(index);

/** Adds the artifacts of a recording in place. */
export function addArtifacts(rng: Random, p: Patient, eeg: Float64Array[], ekgTrace: Float64Array): void {
  addBlinks(rng, p, eeg);
  addMuscle(rng, p, eeg);
  if (happens(rng, RECORDING_RATES.chewing, p.variety)) addChewing(rng, p, eeg);
  const leak = ['T5', 'O1', 'P3', 'T3'].map(index);
  for (const e of leak) for (let i = 0; i < eeg[e].length; i++) eeg[e][i] += p.ekgLeak * ekgTrace[i];
  addMainsAndDc(rng, p, eeg);
  addElectrodeNoise(rng, p, eeg);
  addPops(rng, p, eeg);
  if (rng.chance(p.badElectrodeChance)) {
    const e = rng.int(0, EEG_ELECTRODES.length - 1);
    if (rng.chance(0.5)) eeg[e].fill(p.dcOffsetsUv[e]);
    else {
      const uv = draw(rng, R.badNoiseUv, p.variety);
      for (let i = 0; i < eeg[e].length; i++) eeg[e][i] += rng.normal() * uv;
    }
  }
}

/** How many events of a per-minute rate fall in `samples`. */
const eventsIn = (perMin: number, samples: number) => (perMin * samples) / FS / 60;

/** Eye blinks: a slow positive deflection at Fp1/Fp2, a quarter of it on the frontal electrodes. */
function addBlinks(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  const fp = [index('Fp1'), index('Fp2')];
  const frontal = [index('F7'), index('F8'), index('F3'), index('F4')];
  for (let b = 0; b < eventsIn(p.blinksPerMin, samples); b++) {
    const at = rng.uniform(0, samples);
    const amp = draw(rng, R.blinkUv, p.variety);
    const width = rng.uniform(0.08, 0.12) * FS;
    for (let i = Math.max(0, Math.floor(at - 4 * width)); i < Math.min(samples, at + 4 * width); i++) {
      const g = Math.exp(-0.5 * ((i - at) / width) ** 2);
      for (const e of fp) eeg[e][i] += amp * g;
      for (const e of frontal) eeg[e][i] += 0.25 * amp * g;
    }
  }
}

/** Differenced white noise (power above ~20 Hz) added to `electrodes` over [start, end). */
function addEmg(rng: Random, eeg: Float64Array[], electrodes: number[], start: number, end: number, amp: number): void {
  for (const e of electrodes) {
    let prev = 0;
    for (let i = Math.max(0, start); i < Math.min(eeg[e].length, end); i++) {
      const w = rng.normal();
      eeg[e][i] += amp * (w - prev) * 0.7;
      prev = w;
    }
  }
}

/** Muscle bursts of 0.5–3 s over one temporal region. */
function addMuscle(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  for (let m = 0; m < eventsIn(p.muscleBurstsPerMin, samples); m++) {
    const start = Math.floor(rng.uniform(0, samples));
    const length = Math.floor(rng.uniform(0.5, 3) * FS);
    const side = rng.chance(0.5) ? TEMPORAL.slice(0, 3) : TEMPORAL.slice(3);
    addEmg(rng, eeg, side, start, start + length, draw(rng, R.muscleUv, p.variety));
  }
}

/** A chewing episode: 2–8 s of short muscle bursts over both temporal regions at 1–2 per second. */
function addChewing(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  const start = Math.floor(rng.uniform(0, samples));
  const end = start + rng.uniform(2, 8) * FS;
  const period = FS / draw(rng, R.chewingHz, p.variety);
  const amp = 1.5 * draw(rng, R.muscleUv, p.variety);
  for (let t = start; t < Math.min(samples, end); t += period) addEmg(rng, eeg, TEMPORAL, t, t + 0.2 * FS, amp);
}

/** Mains hum (the patient's 50 or 60 Hz, in some recordings), DC offsets and a slow drift on every electrode. */
function addMainsAndDc(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  const mainsUv = rng.chance(p.mainsChance) ? draw(rng, R.mainsUv, p.variety) : 0;
  const mainsPhase = rng.uniform(0, 2 * Math.PI);
  eeg.forEach((ch, e) => {
    const dc = p.dcOffsetsUv[e] + rng.normal() * 5;
    const hum = mainsUv * Math.max(0, 1 + 0.4 * rng.normal());
    const drift = draw(rng, R.driftUv, p.variety);
    for (let i = 0; i < samples; i++) {
      ch[i] += dc + (drift * i) / samples + hum * Math.sin((2 * Math.PI * p.mainsHz * i) / FS + mainsPhase);
    }
  });
}

/** White noise of each electrode's contact and amplifier, around the patient's level. */
function addElectrodeNoise(rng: Random, p: Patient, eeg: Float64Array[]): void {
  if (p.electrodeNoiseUv <= 0) return;
  for (const ch of eeg) {
    const uv = p.electrodeNoiseUv * rng.uniform(0.5, 1.5);
    for (let i = 0; i < ch.length; i++) ch[i] += uv * rng.normal();
  }
}

/** Electrode pops: a sudden step on one electrode that decays over 0.1–0.5 s (a contact losing and regaining charge). */
function addPops(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  // Rounded at random: pops are rare, and a rate of 0.2 a minute must not mean one in every recording.
  const count = Math.floor(eventsIn(p.electrodePopsPerMin, samples) + rng.next());
  for (let k = 0; k < count; k++) {
    const ch = eeg[rng.int(0, EEG_ELECTRODES.length - 1)];
    const at = Math.floor(rng.uniform(0, samples));
    const amp = draw(rng, R.popUv, p.variety) * (rng.chance(0.5) ? 1 : -1);
    const tau = rng.uniform(0.1, 0.5) * FS;
    for (let i = at; i < Math.min(samples, at + 6 * tau); i++) ch[i] += amp * Math.exp(-(i - at) / tau);
  }
}

/** Marks a stretch of every channel as missing (NaN), as disconnected amplifiers leave it. */
export function addGap(rng: Random, channels: Float64Array[], maxSec: number): void {
  const samples = channels[0].length;
  const length = Math.floor(rng.uniform(0.5, maxSec) * FS);
  const start = rng.int(0, Math.max(0, samples - length));
  for (const ch of channels) ch.fill(NaN, start, start + length);
}
