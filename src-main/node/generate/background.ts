/**
 * What every recording carries whatever the pattern: a spatially correlated 1/f background with
 * a posterior alpha rhythm, or in a sleep-like state steeper slowing with spindles and vertex
 * waves; and the EKG. The artifacts are artifacts.ts's.
 */
import { fft } from '../../core/fft';
import { EEG_ELECTRODES, HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import { field } from './head';
import type { Patient } from './patient';
import type { Random } from '../../core/random';
import { RECORDING, RECORDING_RATES } from './ranges';
import { draw, happens } from './variety';

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

/** Sleep (N2-like) steepens the slope: more delta, less fast activity. */
const SLEEP_EXTRA_SLOPE = 0.4;

/** Background EEG (µV) for the 19 electrodes: awake with the patient's alpha, or in a sleep-like state. */
export function background(rng: Random, p: Patient, samples: number): Float64Array[] {
  const asleep = happens(rng, RECORDING_RATES.sleep, p.variety);
  const slope = asleep ? p.slope + SLEEP_EXTRA_SLOPE : p.slope;
  const [global, ...rest] = colouredNoises(rng, 1 + SOURCES.length + EEG_ELECTRODES.length, samples, slope);
  const regional = rest.slice(0, SOURCES.length);
  const locals = rest.slice(SOURCES.length);
  const fields = SOURCES.map((s) => field(s, 0.45));
  const alphaField = field([0, -0.85], 0.5);
  const alpha = asleep ? new Float64Array(samples) : alphaRhythm(rng, p, samples);
  const eeg = EEG_ELECTRODES.map((_, e) => {
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
  if (asleep) addSleepTransients(rng, p, eeg);
  return eeg;
}

/**
 * Sleep spindles (11–15 Hz, 0.5–1.5 s, centrally) and vertex waves (sharp, negative, at the vertex):
 * what sleep adds that a reader must not take for a discharge.
 */
function addSleepTransients(rng: Random, p: Patient, eeg: Float64Array[]): void {
  const samples = eeg[0].length;
  const central = field([0, 0.05], 0.45);
  const vertex = field([0, 0.1], 0.35);
  for (let t = rng.uniform(1, 8) * FS; t < samples; t += rng.uniform(4, 12) * FS) {
    const hz = draw(rng, RECORDING.spindleHz, p.variety);
    const sigma = rng.uniform(0.15, 0.35) * FS;
    const amp = rng.uniform(0.5, 1) * p.backgroundUv;
    addTransient(eeg, central, t, sigma, (i) => amp * Math.sin((2 * Math.PI * hz * i) / FS));
  }
  for (let t = rng.uniform(2, 15) * FS; t < samples; t += rng.uniform(5, 20) * FS) {
    const amp = -rng.uniform(1.5, 3) * p.backgroundUv;
    addTransient(eeg, vertex, t, rng.uniform(0.05, 0.08) * FS, () => amp);
  }
}

/** Adds `wave(i)` under a Gaussian envelope of σ `sigma` samples around `at`, over a spatial field. */
function addTransient(eeg: Float64Array[], fieldOf: Float64Array, at: number, sigma: number, wave: (i: number) => number): void {
  const samples = eeg[0].length;
  for (let i = Math.max(0, Math.floor(at - 4 * sigma)); i < Math.min(samples, at + 4 * sigma); i++) {
    const v = Math.exp(-0.5 * ((i - at) / sigma) ** 2) * wave(i);
    for (let e = 0; e < eeg.length; e++) eeg[e][i] += fieldOf[e] * v;
  }
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
