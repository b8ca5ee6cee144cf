/**
 * The waveforms of the patterns, before their spatial field: periodic discharges of a patient's
 * shape, rhythmic delta, polymorphic slowing, and the activity an ACNS "plus" modifier adds.
 */
import { HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import type { Random } from '../../core/random';
import type { DischargeShape, Patient } from './patient';
import { SCENE } from './ranges';
import { draw } from './variety';

/** ACNS 2021 plus modifiers: superimposed fast activity, rhythmic delta, or sharp waves. */
export type Plus = 'F' | 'R' | 'S';

/**
 * A discharge, surface-negative: a positive lead, the sharp negative phase, a slower positive
 * after-wave. The shape's amplitudes make it mono-, bi- or triphasic; `sharpness` narrows the spike.
 */
export function discharge(out: Float64Array, at: number, amplitude: number, shape: DischargeShape, sharpness = 1): void {
  const spike = shape.spikeSec / sharpness;
  const parts = [
    { dt: -2 * shape.spikeSec, width: 0.75 * shape.spikeSec, amp: shape.lead },
    { dt: 0, width: spike, amp: -1 },
    { dt: 1.5 * shape.spikeSec + 1.3 * shape.afterSec, width: shape.afterSec, amp: shape.after },
  ];
  for (const p of parts) {
    const centre = at + p.dt * FS;
    const half = 4 * p.width * FS;
    for (let i = Math.max(0, Math.floor(centre - half)); i < Math.min(out.length, centre + half); i++) {
      out[i] += amplitude * p.amp * Math.exp(-0.5 * ((i - centre) / (p.width * FS)) ** 2);
    }
  }
}

/** How long a discharge of this shape visibly lasts (s): from its lead's onset to its after-wave's end. */
const dischargeSec = (shape: DischargeShape) => 3.5 * shape.spikeSec + 3.3 * shape.afterSec;

/**
 * ACNS 2021 calls discharges periodic when an interval separates them; ones that run into each
 * other read as rhythmic activity. So at a fast rate a broad shape is narrowed to fill at most this
 * share of the interval.
 */
const MAX_DISCHARGE_SHARE = 0.7;

/** LPD/GPD: the patient's discharges at about their rate, each interval jittered. */
export function periodicDischarges(rng: Random, patient: Patient, samples: number, amplitude: number): Float64Array {
  const out = new Float64Array(samples);
  const rate = patient.periodicHz * draw(rng, SCENE.rateJitter, patient.variety);
  const jitter = draw(rng, SCENE.intervalJitter, patient.variety);
  const shape = patient.discharge;
  const narrow = Math.min(1, MAX_DISCHARGE_SHARE / rate / dischargeSec(shape));
  const fitted = { ...shape, spikeSec: shape.spikeSec * narrow, afterSec: shape.afterSec * narrow };
  for (let t = rng.uniform(0, 1 / rate) * FS; t < samples; t += (FS / rate) * rng.uniform(1 - jitter, 1 + jitter)) {
    discharge(out, t, amplitude * rng.uniform(0.8, 1.2), fitted);
  }
  return out;
}

/** LRDA/GRDA: rhythmic delta at about the patient's frequency, sharpened by a harmonic, waxing and waning. */
export function rhythmicDelta(rng: Random, patient: Patient, samples: number, amplitude: number): Float64Array {
  const out = new Float64Array(samples);
  const f0 = patient.deltaHz * draw(rng, SCENE.rateJitter, patient.variety);
  const wax = draw(rng, SCENE.waxSec, patient.variety);
  const depth = draw(rng, SCENE.waxDepth, patient.variety);
  let phase = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < samples; i++) {
    const t = i / FS;
    phase += (2 * Math.PI * f0 * (1 + 0.05 * Math.sin((2 * Math.PI * t) / 17))) / FS;
    const envelope = 1 - depth + depth * Math.sin((2 * Math.PI * t) / wax);
    out[i] = amplitude * envelope * (Math.sin(phase) + patient.deltaHarmonic * Math.sin(2 * phase + 0.5));
  }
  return out;
}

/** Diffuse, irregular slowing: what "other" often holds besides artifacts. */
export function polymorphicSlowing(rng: Random, samples: number, amplitude: number): Float64Array {
  const out = new Float64Array(samples);
  let a = 0;
  let b = 0;
  for (let i = 0; i < samples; i++) {
    a = 0.985 * a + rng.normal();
    b = 0.97 * b + a * 0.03;
    out[i] = amplitude * b;
  }
  return out;
}

/**
 * Adds a plus modifier's activity to a pattern's wave, in place, at a share of its peak amplitude:
 * +F rides on the pattern's own waves as 10–18 Hz fast activity, +R is rhythmic delta under the
 * discharges, +S sharp waves scattered through rhythmic delta.
 */
export function superimpose(rng: Random, patient: Patient, plus: Plus, wave: Float64Array, peakUv: number): void {
  const amplitude = peakUv * draw(rng, SCENE.plusShare, patient.variety);
  if (plus === 'R') {
    const delta = rhythmicDelta(rng, patient, wave.length, amplitude);
    for (let i = 0; i < wave.length; i++) wave[i] += delta[i];
  } else if (plus === 'S') {
    const perSec = rng.uniform(0.3, 1);
    for (let k = 0; k < (perSec * wave.length) / FS; k++) discharge(wave, rng.uniform(0, wave.length), 2 * amplitude, patient.discharge, 1.5);
  } else {
    const hz = rng.uniform(10, 18);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < wave.length; i++) wave[i] += amplitude * Math.min(1, Math.abs(wave[i]) / peakUv) * Math.sin((2 * Math.PI * hz * i) / FS + phase);
  }
}
