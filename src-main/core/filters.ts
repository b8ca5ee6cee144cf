/**
 * Filtering EEG along time with second-order sections, equal to scipy.signal's sosfilt and
 * sosfiltfilt. A Butterworth cut-off is its −3 dB point; a band-pass of order N has 2N poles
 * (scipy's convention), so "order 4, 0.5–20 Hz" is the notebook's filter. Causal filtering delays
 * each frequency differently; zero-phase (forward-backward) does not, and squares the magnitude.
 */
import { butterSos, notchSos, type Sos } from './iir-design';

export { butterSos, notchSos, type Sos };

export interface FilterSpec {
  /** High-pass cut-off (−3 dB), Hz; absent for none. */
  highpassHz?: number;
  /** Low-pass cut-off (−3 dB), Hz; absent for none. */
  lowpassHz?: number;
  /** Mains notch (iirnotch, Q = 30: −3 dB width of 1.7 Hz at 50 Hz, 2 Hz at 60 Hz). */
  notchHz?: 50 | 60;
  /** Butterworth order; 4 unless given. */
  order?: number;
  /** Forward-backward (no phase shift) instead of causal. */
  zeroPhase?: boolean;
}

const NOTCH_Q = 30;

/** Past this a Butterworth design loses precision (order 1000 gives NaN) and rings for longer than a window. */
export const MAX_FILTER_ORDER = 16;

export interface FilterProblem {
  /** The setting at fault. */
  setting: 'order' | 'band' | 'notch' | 'zeroPhase';
  problem: string;
}

/** What is wrong with a filter spec at `fsHz` (from a command line, a model file, a checkpoint), or null. */
export function filterProblem(spec: FilterSpec, fsHz: number): FilterProblem | null {
  const { order, highpassHz: hp, lowpassHz: lp, notchHz, zeroPhase } = spec;
  const nyquist = fsHz / 2;
  if (order !== undefined && !(Number.isInteger(order) && order >= 1 && order <= MAX_FILTER_ORDER)) {
    return { setting: 'order', problem: `the filter order must be a whole number from 1 to ${MAX_FILTER_ORDER}, got ${order}` };
  }
  for (const [name, f] of [
    ['high-pass', hp],
    ['low-pass', lp],
  ] as const) {
    if (f !== undefined && !(typeof f === 'number' && f > 0 && f < nyquist)) {
      return { setting: 'band', problem: `the ${name} cut-off must lie between 0 and ${nyquist} Hz (half of ${fsHz} Hz), got ${f}` };
    }
  }
  if (hp !== undefined && lp !== undefined && !(hp < lp)) return { setting: 'band', problem: `the band's low edge (${hp} Hz) must be below its high edge (${lp} Hz)` };
  if (notchHz !== undefined && !((notchHz === 50 || notchHz === 60) && notchHz < nyquist)) {
    return { setting: 'notch', problem: `the notch must be at 50 or 60 Hz, below ${nyquist} Hz, got ${notchHz}` };
  }
  if (zeroPhase !== undefined && typeof zeroPhase !== 'boolean') return { setting: 'zeroPhase', problem: `zero-phase must be true or false, got ${JSON.stringify(zeroPhase)}` };
  return null;
}

/** The sections a spec asks for: Butterworth (band-, high- or low-pass), then the notch. */
export function designFilter(spec: FilterSpec, fsHz: number): Sos {
  const problem = filterProblem(spec, fsHz);
  if (problem) throw new Error(problem.problem);
  const order = spec.order ?? 4;
  const parts: Sos[] = [];
  const { highpassHz: hp, lowpassHz: lp } = spec;
  if (hp !== undefined && lp !== undefined) parts.push(butterSos(order, [hp, lp], 'bandpass', fsHz));
  else if (hp !== undefined) parts.push(butterSos(order, hp, 'highpass', fsHz));
  else if (lp !== undefined) parts.push(butterSos(order, lp, 'lowpass', fsHz));
  if (spec.notchHz !== undefined) parts.push(notchSos(spec.notchHz, fsHz, NOTCH_Q));
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Filters every channel along time; new Float32Arrays, computed in float64. */
export function filterChannels(data: readonly Float32Array[], spec: FilterSpec, fsHz: number): Float32Array[] {
  const sos = designFilter(spec, fsHz);
  if (sos.length === 0) return data.map((ch) => new Float32Array(ch));
  const out: Float32Array[] = [];
  // Four channels at a time: their recursions are independent, so the CPU overlaps them (~2×).
  for (let c = 0; c < data.length; c += 4) {
    const group = data.slice(c, c + 4);
    const filtered = spec.zeroPhase
      ? sosfiltfiltMany(sos, group)
      : sosfiltMany(
          sos,
          group.map((ch) => new Float64Array(ch)),
        );
    for (const y of filtered) out.push(new Float32Array(y));
  }
  return out;
}

/** Direct-form II transposed, section after section, as scipy's sosfilt; `zi` is updated in place. */
export function sosfilt(sos: Sos, x: ArrayLike<number>, zi?: Float64Array): Float64Array {
  return sosfiltMany(sos, [Float64Array.from(x)], zi ? [zi] : undefined)[0];
}

/**
 * sosfilt on up to four equally long signals at once, in place (the arrays given are returned).
 * Sample-major: each sample passes every section before the next sample starts.
 */
function sosfiltMany(sos: Sos, ys: Float64Array[], zis?: Float64Array[]): Float64Array[] {
  const n = sos.length / 6;
  const k = ys.length;
  if (k === 0) return ys;
  if (k > 4) throw new Error('sosfiltMany takes at most four signals');
  // State laid out [section][z0 of each signal][z1 of each signal]; unused lanes filter zeros.
  const z = new Float64Array(n * 8);
  zis?.forEach((zi, lane) => {
    for (let s = 0; s < n; s++) {
      z[s * 8 + lane] = zi[s * 2];
      z[s * 8 + 4 + lane] = zi[s * 2 + 1];
    }
  });
  const len = ys[0].length;
  const zero = new Float64Array(len);
  const [y0, y1 = zero, y2 = zero, y3 = zero] = ys;
  for (let i = 0; i < len; i++) {
    let v0 = y0[i],
      v1 = y1[i],
      v2 = y2[i],
      v3 = y3[i];
    for (let s = 0, o = 0, q = 0; s < n; s++, o += 6, q += 8) {
      const b0 = sos[o],
        b1 = sos[o + 1],
        b2 = sos[o + 2],
        a1 = sos[o + 4],
        a2 = sos[o + 5];
      const w0 = b0 * v0 + z[q],
        w1 = b0 * v1 + z[q + 1],
        w2 = b0 * v2 + z[q + 2],
        w3 = b0 * v3 + z[q + 3];
      z[q] = b1 * v0 - a1 * w0 + z[q + 4];
      z[q + 1] = b1 * v1 - a1 * w1 + z[q + 5];
      z[q + 2] = b1 * v2 - a1 * w2 + z[q + 6];
      z[q + 3] = b1 * v3 - a1 * w3 + z[q + 7];
      z[q + 4] = b2 * v0 - a2 * w0;
      z[q + 5] = b2 * v1 - a2 * w1;
      z[q + 6] = b2 * v2 - a2 * w2;
      z[q + 7] = b2 * v3 - a2 * w3;
      v0 = w0;
      v1 = w1;
      v2 = w2;
      v3 = w3;
    }
    y0[i] = v0;
    y1[i] = v1;
    y2[i] = v2;
    y3[i] = v3;
  }
  zis?.forEach((zi, lane) => {
    for (let s = 0; s < n; s++) {
      zi[s * 2] = z[s * 8 + lane];
      zi[s * 2 + 1] = z[s * 8 + 4 + lane];
    }
  });
  return ys;
}

/** scipy.signal.sosfilt_zi: the steady state of a unit step, per section. */
export function sosfiltZi(sos: Sos): Float64Array {
  const n = sos.length / 6;
  const zi = new Float64Array(n * 2);
  let gain = 1;
  for (let s = 0; s < n; s++) {
    const [b0, b1, b2, , a1, a2] = sos.subarray(s * 6, s * 6 + 6);
    const B0 = b1 - a1 * b0;
    const B1 = b2 - a2 * b0;
    const det = 1 + a1 + a2;
    zi[s * 2] = (gain * (B0 + B1)) / det;
    zi[s * 2 + 1] = (gain * ((1 + a1) * B1 - a2 * B0)) / det;
    gain *= (b0 + b1 + b2) / (1 + a1 + a2);
  }
  return zi;
}

/** Samples of odd extension sosfiltfilt adds on each side (scipy's default padlen). */
export function sosfiltfiltPadlen(sos: Sos): number {
  const n = sos.length / 6;
  let zeroB2 = 0;
  let zeroA2 = 0;
  for (let s = 0; s < n; s++) {
    if (sos[s * 6 + 2] === 0) zeroB2++;
    if (sos[s * 6 + 5] === 0) zeroA2++;
  }
  return 3 * (2 * n + 1 - Math.min(zeroB2, zeroA2));
}

/** scipy.signal.sosfiltfilt(sos, x) with padtype 'odd' and the default padlen. */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  return sosfiltfiltMany(sos, [x])[0];
}

function sosfiltfiltMany(sos: Sos, xs: readonly ArrayLike<number>[]): Float64Array[] {
  const edge = sosfiltfiltPadlen(sos);
  const n = xs[0].length;
  if (n <= edge) throw new Error(`zero-phase filtering needs more than ${edge} samples, got ${n}`);
  const exts = xs.map((x) => {
    const ext = new Float64Array(n + 2 * edge);
    const first = x[0];
    const last = x[n - 1];
    for (let i = 0; i < edge; i++) ext[i] = 2 * first - x[edge - i];
    for (let i = 0; i < n; i++) ext[edge + i] = x[i];
    for (let i = 0; i < edge; i++) ext[edge + n + i] = 2 * last - x[n - 2 - i];
    return ext;
  });
  const zi = sosfiltZi(sos);
  const forward = sosfiltMany(
    sos,
    exts,
    exts.map((e) => zi.map((v) => v * e[0])),
  );
  for (const f of forward) f.reverse();
  const backward = sosfiltMany(
    sos,
    forward,
    forward.map((f) => zi.map((v) => v * f[0])),
  );
  return backward.map((b) => b.reverse().slice(edge, edge + n));
}

export interface FrequencyResponse {
  freqHz: Float64Array;
  magnitudeDb: Float64Array;
  phaseRad: Float64Array;
}

/** scipy.signal.sosfreqz(sos, worN=points, fs=fsHz): `points` frequencies from 0 up to (not incl.) Nyquist. */
export function frequencyResponse(sos: Sos, fsHz: number, points = 512): FrequencyResponse {
  const freqHz = new Float64Array(points);
  const magnitudeDb = new Float64Array(points);
  const phaseRad = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const w = (Math.PI * i) / points;
    let re = 1;
    let im = 0;
    for (let s = 0; s < sos.length / 6; s++) {
      const [b0, b1, b2, a0, a1, a2] = sos.subarray(s * 6, s * 6 + 6);
      const nRe = b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w);
      const nIm = -b1 * Math.sin(w) - b2 * Math.sin(2 * w);
      const dRe = a0 + a1 * Math.cos(w) + a2 * Math.cos(2 * w);
      const dIm = -a1 * Math.sin(w) - a2 * Math.sin(2 * w);
      const d = dRe * dRe + dIm * dIm;
      const hRe = (nRe * dRe + nIm * dIm) / d;
      const hIm = (nIm * dRe - nRe * dIm) / d;
      [re, im] = [re * hRe - im * hIm, re * hIm + im * hRe];
    }
    freqHz[i] = (w * fsHz) / (2 * Math.PI);
    magnitudeDb[i] = 20 * Math.log10(Math.max(Math.hypot(re, im), 1e-300));
    phaseRad[i] = Math.atan2(im, re);
  }
  return { freqHz, magnitudeDb, phaseRad };
}
