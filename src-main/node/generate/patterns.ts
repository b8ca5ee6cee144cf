/**
 * The six patterns and the truth they imply. A scene is what a recording shows: a main pattern,
 * how clearly (intensity), how lateralised, and possibly a second pattern blended in (an LPD
 * evolving into a seizure, rhythmic delta between lateralised and generalised). The same numbers
 * draw the signal and the true class distribution, so the signal carries the truth.
 */
import { CLASSES, type ClassName, HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import { field } from './head';
import type { Patient } from './patient';
import type { Random } from '../../core/random';

type Family = 'seizure' | 'periodic' | 'rhythmic' | 'other';

export interface Component {
  family: Family;
  /** Share of the scene (the main component has 1 − the blend's weight). */
  weight: number;
  /** 0 generalised … 1 lateralised (periodic and rhythmic only). */
  laterality: number;
}

export interface Scene {
  main: ClassName;
  /** How clearly the scene shows its patterns, 0 … 1; unclear scenes lean to "other". */
  intensity: number;
  components: Component[];
  side: 'left' | 'right';
  /** Where a lateralised pattern is strongest: temporal or parasagittal. */
  focus: 'temporal' | 'parasagittal';
}

/** Class shares of the main pattern, near the real dataset's consensus counts. */
const CLASS_WEIGHTS = [0.17, 0.15, 0.16, 0.16, 0.18, 0.18];

const familyOf = (c: ClassName): Family => (c === 'seizure' ? 'seizure' : c === 'lpd' || c === 'gpd' ? 'periodic' : c === 'lrda' || c === 'grda' ? 'rhythmic' : 'other');

/** Patterns readers confuse each other with, for blended scenes. */
const BLEND_PARTNERS: Record<ClassName, ClassName[]> = {
  seizure: ['lpd', 'lrda', 'gpd'],
  lpd: ['seizure', 'gpd', 'lrda'],
  gpd: ['grda', 'lpd', 'seizure'],
  lrda: ['grda', 'lpd', 'seizure'],
  grda: ['lrda', 'gpd', 'other'],
  other: ['grda', 'lrda', 'lpd'],
};

function lateralityFor(c: ClassName, rng: Random, ambiguous: boolean): number {
  const lateral = c === 'lpd' || c === 'lrda' || c === 'seizure';
  const [lo, hi] = ambiguous ? [0.6, 0.85] : [0.85, 1];
  return lateral ? rng.uniform(lo, hi) : 1 - rng.uniform(lo, hi);
}

/** Clear scenes go to a few raters, ambiguous ones to many (as in the real data). */
export function drawScene(rng: Random, patient: Patient, ambiguous: boolean): Scene {
  const main = CLASSES[rng.weighted(CLASS_WEIGHTS)];
  const components: Component[] = [{ family: familyOf(main), weight: 1, laterality: lateralityFor(main, rng, ambiguous) }];
  if (rng.chance(ambiguous ? 0.65 : 0.12)) {
    const partner = rng.pick(BLEND_PARTNERS[main]);
    const weight = ambiguous ? rng.uniform(0.12, 0.35) : rng.uniform(0.05, 0.2);
    components[0].weight = 1 - weight;
    components.push({ family: familyOf(partner), weight, laterality: lateralityFor(partner, rng, ambiguous) });
  }
  return {
    main,
    intensity: ambiguous ? rng.uniform(0.55, 0.95) : rng.uniform(0.75, 1),
    components,
    side: rng.chance(0.85) ? patient.side : patient.side === 'left' ? 'right' : 'left',
    focus: rng.chance(0.6) ? 'temporal' : 'parasagittal',
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The true class distribution of a scene (CLASSES order). */
export function truthOf(scene: Scene): number[] {
  const p = [0, 0, 0, 0, 0, 0];
  for (const c of scene.components) {
    const lateral = sigmoid(10 * (c.laterality - 0.5));
    if (c.family === 'seizure') p[0] += c.weight;
    else if (c.family === 'periodic') {
      p[1] += c.weight * lateral;
      p[2] += c.weight * (1 - lateral);
    } else if (c.family === 'rhythmic') {
      p[3] += c.weight * lateral;
      p[4] += c.weight * (1 - lateral);
    } else p[5] += c.weight;
  }
  // A faint pattern is read as "other" by part of the experts.
  const clarity = 0.4 + 0.6 * scene.intensity;
  const out = p.map((v, i) => clarity * v + (i === 5 ? 1 - clarity : 0) + 0.004);
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / total);
}

/** The spatial field of a component: focal on one side, generalised (frontal-predominant), or between. */
function componentField(scene: Scene, laterality: number): Float64Array {
  const x = scene.side === 'left' ? -1 : 1;
  const focal = field(scene.focus === 'temporal' ? [0.85 * x, 0] : [0.45 * x, 0.1], 0.38);
  // Generalised patterns are frontally predominant, so the frontal chains of the banana show them.
  const general = field([0, 0.75], 0.7);
  return focal.map((f, e) => laterality * f + (1 - laterality) * general[e]);
}

/**
 * Peak amplitude of each family at full strength, for a patient of median background (30 µV).
 * Patterns scale with the patient's background and barely otherwise, so how clearly a pattern
 * stands out of the background is set by the scene's intensity and weights — the same numbers the
 * truth is made of. Experts vote on what they see: two recordings that look alike share a truth.
 */
const PEAK_UV = { periodic: 140, rhythmic: 120, seizure: 195 } as const;
const MEDIAN_BACKGROUND_UV = 30;

/** Adds the scene's patterns to the 19 electrode arrays (µV), in place. */
export function renderScene(rng: Random, patient: Patient, scene: Scene, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  const gain = (patient.backgroundUv / MEDIAN_BACKGROUND_UV) * rng.uniform(0.92, 1.08);
  for (const c of scene.components) {
    const strength = scene.intensity * (0.35 + 0.65 * c.weight) * gain;
    const fieldOf = componentField(scene, c.laterality);
    let wave: Float64Array;
    if (c.family === 'periodic') wave = periodicDischarges(rng, samples, patient.periodicHz, PEAK_UV.periodic * strength);
    else if (c.family === 'rhythmic') wave = rhythmicDelta(rng, samples, patient.deltaHz, PEAK_UV.rhythmic * strength);
    else if (c.family === 'seizure') {
      seizure(rng, samples, PEAK_UV.seizure * strength, scene, eeg);
      continue;
    } else wave = polymorphicSlowing(rng, samples, rng.uniform(5, 20));
    eeg.forEach((ch, e) => {
      const g = fieldOf[e];
      for (let i = 0; i < samples; i++) ch[i] += g * wave[i];
    });
  }
}

/** A sharp discharge: small positive lead, sharp negative spike, slower positive after-wave. */
function discharge(out: Float64Array, at: number, amplitude: number, sharpness = 1): void {
  const parts = [
    { dt: -0.04, width: 0.015, amp: 0.25 },
    { dt: 0, width: 0.02 / sharpness, amp: -1 },
    { dt: 0.12, width: 0.07, amp: 0.45 },
  ];
  for (const p of parts) {
    const centre = at + p.dt * FS;
    const half = 4 * p.width * FS;
    for (let i = Math.max(0, Math.floor(centre - half)); i < Math.min(out.length, centre + half); i++) {
      out[i] += amplitude * p.amp * Math.exp(-0.5 * ((i - centre) / (p.width * FS)) ** 2);
    }
  }
}

/** LPD/GPD: discharges every 1/rate s (0.5–2.5 Hz) with ±10% jitter. */
function periodicDischarges(rng: Random, samples: number, rateHz: number, amplitude: number): Float64Array {
  const out = new Float64Array(samples);
  const rate = Math.min(2.5, Math.max(0.5, rateHz * rng.uniform(0.85, 1.15)));
  for (let t = rng.uniform(0, 1 / rate) * FS; t < samples; t += (FS / rate) * rng.uniform(0.9, 1.1)) {
    discharge(out, t, amplitude * rng.uniform(0.8, 1.2));
  }
  return out;
}

/** LRDA/GRDA: rhythmic 1–3 Hz delta, slightly sharpened, waxing and waning. */
function rhythmicDelta(rng: Random, samples: number, freqHz: number, amplitude: number): Float64Array {
  const out = new Float64Array(samples);
  const f0 = Math.min(3, Math.max(1, freqHz * rng.uniform(0.9, 1.1)));
  const wax = rng.uniform(6, 12);
  let phase = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < samples; i++) {
    const t = i / FS;
    phase += (2 * Math.PI * f0 * (1 + 0.05 * Math.sin((2 * Math.PI * t) / 17))) / FS;
    const envelope = 0.75 + 0.25 * Math.sin((2 * Math.PI * t) / wax);
    out[i] = amplitude * envelope * (Math.sin(phase) + 0.25 * Math.sin(2 * phase + 0.5));
  }
  return out;
}

/** Diffuse, irregular slowing: what "other" often holds besides artifacts. */
function polymorphicSlowing(rng: Random, samples: number, amplitude: number): Float64Array {
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
 * A seizure: an evolving rhythmic discharge. It starts focal on one side at 4–7 Hz with low
 * amplitude, then slows, grows and spreads over the recording (spike-and-wave morphology).
 */
function seizure(rng: Random, samples: number, amplitude: number, scene: Scene, eeg: Float64Array[]): void {
  const x = scene.side === 'left' ? -1 : 1;
  const focal = field([0.8 * x, 0.1], 0.35);
  const spread = field([0.55 * x, 0.1], 0.6);
  const f0 = rng.uniform(4, 7);
  const f1 = rng.uniform(1.8, 3);
  const wave = new Float64Array(samples);
  const progress = new Float64Array(samples);
  let phase = 0;
  let nextSpike = 0;
  const evolutionSec = Math.max(samples / FS, 60);
  for (let i = 0; i < samples; i++) {
    // Evolution over ~a minute, faster than the slowest recordings so every window sees change.
    const u = Math.min(1, Math.max(0, i / FS / evolutionSec + 0.1 * Math.sin(i / FS / 7)));
    progress[i] = u;
    const f = f0 + (f1 - f0) * u;
    phase += (2 * Math.PI * f) / FS;
    wave[i] += amplitude * (0.3 + 0.7 * u) * 0.5 * Math.sin(phase);
    if (phase >= nextSpike) {
      nextSpike = phase + 2 * Math.PI;
      discharge(wave, i, amplitude * (0.3 + 0.7 * u), 1.5);
    }
  }
  eeg.forEach((ch, e) => {
    for (let i = 0; i < samples; i++) ch[i] += ((1 - progress[i]) * focal[e] + progress[i] * spread[e]) * wave[i];
  });
}
