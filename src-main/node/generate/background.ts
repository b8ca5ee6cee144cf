/**
 * What every recording carries whatever the pattern: a spatially correlated 1/f background with
 * a posterior alpha rhythm, and the artifacts of a real ICU recording — eye blinks, muscle,
 * EKG (and its leakage into the EEG), mains hum, DC offsets, a bad electrode, NaN gaps.
 */
import { fft } from '../../core/fft';
import { EEG_ELECTRODES, HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import { field, index } from './head';
import type { Patient } from './patient';
import type { Random } from '../../core/random';

/**
 * Two independent noises with power ∝ 1/f^slope (flat below 0.5 Hz), unit standard deviation:
 * a random complex spectrum's transform has independent real and imaginary parts.
 */
function colouredNoisePair(rng: Random, samples: number, slope: number): [Float64Array, Float64Array] {
  let n = 1;
  while (n < samples) n <<= 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const amplitude = spectralAmplitude(n, slope);
  for (let k = 1; k < n; k++) {
    re[k] = rng.normal() * amplitude[k];
    im[k] = rng.normal() * amplitude[k];
  }
  fft(re, im);
  return [unitStd(re.subarray(0, samples)), unitStd(im.subarray(0, samples))];
}

let amplitudeCache: { n: number; slope: number; a: Float64Array } | null = null;

function spectralAmplitude(n: number, slope: number): Float64Array {
  if (amplitudeCache?.n !== n || amplitudeCache.slope !== slope) {
    const a = new Float64Array(n);
    for (let k = 1; k < n; k++) a[k] = Math.max((Math.min(k, n - k) * FS) / n, 0.5) ** (-slope / 2);
    amplitudeCache = { n, slope, a };
  }
  return amplitudeCache.a;
}

function unitStd(x: Float64Array): Float64Array {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    sumSq += x[i] * x[i];
  }
  const mean = sum / x.length;
  const scale = 1 / Math.sqrt(sumSq / x.length - mean * mean || 1);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) * scale;
  return x;
}

/** `count` independent coloured noises, generated two per transform. */
export function colouredNoises(rng: Random, count: number, samples: number, slope: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < count) out.push(...colouredNoisePair(rng, samples, slope));
  return out.slice(0, count);
}

/** Source positions: a shared source plus eight regional ones, so neighbours correlate. */
const SOURCES: [number, number][] = [
  [-0.5, 0.6],
  [0.5, 0.6],
  [-0.9, 0],
  [0.9, 0],
  [-0.4, 0],
  [0.4, 0],
  [-0.4, -0.8],
  [0.4, -0.8],
];

/** Background EEG (µV) for the 19 electrodes. */
export function background(rng: Random, p: Patient, samples: number): Float64Array[] {
  const [global, ...rest] = colouredNoises(rng, 1 + SOURCES.length + EEG_ELECTRODES.length, samples, p.slope);
  const regional = rest.slice(0, SOURCES.length);
  const locals = rest.slice(SOURCES.length);
  const fields = SOURCES.map((s) => field(s, 0.45));
  const alphaField = field([0, -0.85], 0.5);
  const alpha = alphaRhythm(rng, p, samples);
  return EEG_ELECTRODES.map((_, e) => {
    const local = locals[e];
    const weights = fields.map((f) => f[e]);
    const norm = Math.sqrt(0.35 + weights.reduce((s, w) => s + w * w, 0) + 0.25);
    const out = new Float64Array(samples);
    for (let i = 0; i < samples; i++) {
      let v = 0.6 * global[i] + 0.5 * local[i];
      for (let k = 0; k < regional.length; k++) v += weights[k] * regional[k][i];
      out[i] = (p.backgroundUv * v) / norm + alphaField[e] * alpha[i];
    }
    return out;
  });
}

function alphaRhythm(rng: Random, p: Patient, samples: number): Float64Array {
  const out = new Float64Array(samples);
  let phase = rng.uniform(0, 2 * Math.PI);
  const [envelope] = colouredNoises(rng, 1, samples, 3);
  for (let i = 0; i < samples; i++) {
    phase += (2 * Math.PI * (p.alphaHz + 0.15 * envelope[i])) / FS;
    out[i] = p.alphaUv * Math.max(0, 0.7 + 0.5 * envelope[i]) * Math.sin(phase);
  }
  return out;
}

/** An EKG trace (µV): P, QRS and T waves at the patient's heart rate with beat-to-beat jitter. */
export function ekg(rng: Random, p: Patient, samples: number): Float64Array {
  const out = new Float64Array(samples);
  const waves = [
    { at: -0.2, width: 0.025, amp: 0.12 },
    { at: -0.03, width: 0.008, amp: -0.15 },
    { at: 0, width: 0.012, amp: 1 },
    { at: 0.03, width: 0.01, amp: -0.25 },
    { at: 0.3, width: 0.05, amp: 0.3 },
  ];
  for (let beat = rng.uniform(0, 1); beat * FS < samples + FS; beat += (60 / p.heartRateBpm) * rng.uniform(0.95, 1.05)) {
    for (const w of waves) {
      const centre = (beat + w.at) * FS;
      const half = Math.ceil(4 * w.width * FS);
      for (let i = Math.max(0, Math.floor(centre - half)); i < Math.min(samples, centre + half); i++) {
        const t = (i - centre) / (w.width * FS);
        out[i] += w.amp * Math.exp(-0.5 * t * t);
      }
    }
  }
  for (let i = 0; i < samples; i++) out[i] += 0.05 * Math.sin(i / FS / 3);
  const unit = unitStd(out);
  for (let i = 0; i < samples; i++) unit[i] *= p.ekgUv;
  return unit;
}

/** Adds the artifacts of a recording in place: blinks, muscle, EKG leakage, mains, DC, a bad electrode. */
export function addArtifacts(rng: Random, p: Patient, eeg: Float64Array[], ekgTrace: Float64Array): void {
  const samples = eeg[0].length;
  const seconds = samples / FS;
  const fp = [index('Fp1'), index('Fp2')];
  const frontal = [index('F7'), index('F8'), index('F3'), index('F4')];
  for (let b = 0; b < (p.blinksPerMin * seconds) / 60; b++) {
    const at = rng.uniform(0, samples);
    const amp = rng.uniform(80, 200);
    const width = rng.uniform(0.08, 0.12) * FS;
    for (let i = Math.max(0, Math.floor(at - 4 * width)); i < Math.min(samples, at + 4 * width); i++) {
      const g = Math.exp(-0.5 * ((i - at) / width) ** 2);
      for (const e of fp) eeg[e][i] += amp * g;
      for (const e of frontal) eeg[e][i] += 0.25 * amp * g;
    }
  }
  const temporal = ['F7', 'T3', 'T5', 'F8', 'T4', 'T6'].map(index);
  for (let m = 0; m < (p.muscleBurstsPerMin * seconds) / 60; m++) {
    const start = Math.floor(rng.uniform(0, samples));
    const length = Math.floor(rng.uniform(0.5, 3) * FS);
    const side = rng.chance(0.5) ? temporal.slice(0, 3) : temporal.slice(3);
    const amp = rng.uniform(10, 40);
    for (const e of side) {
      let prev = 0;
      for (let i = start; i < Math.min(samples, start + length); i++) {
        const w = rng.normal();
        eeg[e][i] += amp * (w - prev) * 0.7; // differenced white noise: power above ~20 Hz
        prev = w;
      }
    }
  }
  const leak = ['T5', 'O1', 'P3', 'T3'].map(index);
  for (const e of leak) for (let i = 0; i < samples; i++) eeg[e][i] += p.ekgLeak * ekgTrace[i];

  const mainsUv = rng.chance(p.mainsChance) ? rng.uniform(5, 150) : 0;
  const mainsPhase = rng.uniform(0, 2 * Math.PI);
  eeg.forEach((ch, e) => {
    const dc = p.dcOffsetsUv[e] + rng.normal() * 5;
    const hum = mainsUv * Math.max(0, 1 + 0.4 * rng.normal());
    const drift = rng.uniform(-10, 10);
    for (let i = 0; i < samples; i++) {
      ch[i] += dc + (drift * i) / samples + hum * Math.sin((2 * Math.PI * p.mainsHz * i) / FS + mainsPhase);
    }
  });

  if (rng.chance(p.badElectrodeChance)) {
    const e = rng.int(0, EEG_ELECTRODES.length - 1);
    if (rng.chance(0.5)) eeg[e].fill(p.dcOffsetsUv[e]);
    else for (let i = 0; i < samples; i++) eeg[e][i] += rng.normal() * rng.uniform(100, 180);
  }
}

/** Marks a stretch of every channel as missing (NaN), as disconnected amplifiers leave it. */
export function addGap(rng: Random, channels: Float64Array[], maxSec: number): void {
  const samples = channels[0].length;
  const length = Math.floor(rng.uniform(0.5, maxSec) * FS);
  const start = rng.int(0, Math.max(0, samples - length));
  for (const ch of channels) ch.fill(NaN, start, start + length);
}
