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

/**
 * Filters every channel along time, computed in float64, into `out`: new Float32Arrays unless
 * given (`data` itself may be given, to filter in place).
 */
export function filterChannels(data: readonly Float32Array[], spec: FilterSpec, fsHz: number, out?: Float32Array[]): Float32Array[] {
  const sos = designFilter(spec, fsHz);
  const into = out ?? data.map((ch) => new Float32Array(ch.length));
  if (sos.length === 0) {
    data.forEach((ch, c) => into[c].set(ch));
    return into;
  }
  const len = data[0]?.length ?? 0;
  const edge = spec.zeroPhase ? sosfiltfiltPadlen(sos) : 0;
  if (spec.zeroPhase && len <= edge) throw new Error(`zero-phase filtering needs more than ${edge} samples, got ${len}`);
  // One work buffer for every group: float64 copies of each channel were as costly as the filtering.
  const buf = new Float64Array(spec.zeroPhase ? (len + 2 * edge) * LANES : BLOCK * LANES);
  for (let c = 0; c < data.length; c += LANES) {
    const group = data.slice(c, c + LANES);
    const outs = into.slice(c, c + LANES);
    if (!spec.zeroPhase) sosfiltGroup(sos, group, outs, sosState(sos), buf);
    else {
      filtfiltLanes(sos, group, buf, edge);
      outs.forEach((o, lane) => readLane(buf, lane, edge, o, 0, len));
    }
  }
  return into;
}

/** Signals filtered together, interleaved sample by sample: their recursions are independent, so the CPU overlaps them (~2×). */
const LANES = 4;

/** Samples filtered at a time: LANES lanes of them in float64 stay in L1 cache through every section. */
const BLOCK = 1024;

/** Direct-form II transposed, section after section, as scipy's sosfilt; `zi` is updated in place. */
export function sosfilt(sos: Sos, x: ArrayLike<number>, zi?: Float64Array): Float64Array {
  const z = sosState(sos);
  zi?.forEach((v, k) => (z[stateIndex(k)] = v));
  const y = new Float64Array(x.length);
  sosfiltGroup(sos, [x], [y], z, new Float64Array(BLOCK * LANES));
  zi?.forEach((_, k) => (zi[k] = z[stateIndex(k)]));
  return y;
}

/** The state of LANES signals through `sos`, zero: [section][z0 of each lane][z1 of each lane]. */
function sosState(sos: Sos): Float64Array {
  return new Float64Array((sos.length / 6) * 2 * LANES);
}

/** Where lane 0's value of entry `k` of a one-signal state (scipy's zi: [section][z0, z1]) lies in sosState's layout. */
function stateIndex(k: number): number {
  return (k >> 1) * 2 * LANES + (k & 1) * LANES;
}

/** sosfilt of up to LANES equally long signals into `outs`, BLOCK samples at a time through `buf`; `z` carries the state and is updated. */
function sosfiltGroup(sos: Sos, xs: readonly ArrayLike<number>[], outs: readonly (Float32Array | Float64Array)[], z: Float64Array, buf: Float64Array): void {
  const len = xs[0].length;
  for (let start = 0; start < len; start += BLOCK) {
    const count = Math.min(BLOCK, len - start);
    xs.forEach((x, lane) => interleave(x, buf, lane, start, count));
    sosfiltLanes(sos, buf, count, z);
    outs.forEach((o, lane) => readLane(buf, lane, 0, o, start, count));
  }
}

/** Samples [from, from + count) of `x` into one lane of `buf` ([sample × LANES + lane]) from its first sample; other lanes are left as they are. */
function interleave(x: ArrayLike<number>, buf: Float64Array, lane: number, from: number, count: number): void {
  for (let i = from, j = lane, end = from + count; i < end; i++, j += LANES) buf[j] = x[i];
}

/** `count` samples of one lane of `buf`, from its sample `at`, into `out` from `from`, rounded to `out`'s type. */
function readLane(buf: Float64Array, lane: number, at: number, out: Float32Array | Float64Array, from: number, count: number): void {
  for (let i = from, j = at * LANES + lane, end = from + count; i < end; i++, j += LANES) out[i] = buf[j];
}

/**
 * sosfilt over the first `count` samples of LANES interleaved signals, in place. Each section runs
 * over them all with its state in locals, which V8 keeps in registers (a state array read and
 * written per sample cost as much again). Each sample gets scipy's arithmetic in scipy's order,
 * so the result is the same to the bit as taking a sample through every section in turn. `z`
 * (sosState's layout) is updated. Unrolled for LANES = 4.
 */
function sosfiltLanes(sos: Sos, buf: Float64Array, count: number, z: Float64Array): void {
  const end = count * LANES;
  for (let o = 0, q = 0; o < sos.length; o += 6, q += 2 * LANES) {
    const b0 = sos[o],
      b1 = sos[o + 1],
      b2 = sos[o + 2],
      a1 = sos[o + 4],
      a2 = sos[o + 5];
    let p0 = z[q],
      p1 = z[q + 1],
      p2 = z[q + 2],
      p3 = z[q + 3],
      r0 = z[q + 4],
      r1 = z[q + 5],
      r2 = z[q + 6],
      r3 = z[q + 7];
    for (let j = 0; j < end; j += LANES) {
      const v0 = buf[j],
        v1 = buf[j + 1],
        v2 = buf[j + 2],
        v3 = buf[j + 3];
      const w0 = b0 * v0 + p0,
        w1 = b0 * v1 + p1,
        w2 = b0 * v2 + p2,
        w3 = b0 * v3 + p3;
      p0 = b1 * v0 - a1 * w0 + r0;
      p1 = b1 * v1 - a1 * w1 + r1;
      p2 = b1 * v2 - a1 * w2 + r2;
      p3 = b1 * v3 - a1 * w3 + r3;
      r0 = b2 * v0 - a2 * w0;
      r1 = b2 * v1 - a2 * w1;
      r2 = b2 * v2 - a2 * w2;
      r3 = b2 * v3 - a2 * w3;
      buf[j] = w0;
      buf[j + 1] = w1;
      buf[j + 2] = w2;
      buf[j + 3] = w3;
    }
    z.set([p0, p1, p2, p3, r0, r1, r2, r3], q);
  }
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
  const edge = sosfiltfiltPadlen(sos);
  if (x.length <= edge) throw new Error(`zero-phase filtering needs more than ${edge} samples, got ${x.length}`);
  const buf = new Float64Array((x.length + 2 * edge) * LANES);
  filtfiltLanes(sos, [x], buf, edge);
  const y = new Float64Array(x.length);
  readLane(buf, 0, edge, y, 0, x.length);
  return y;
}

/**
 * sosfiltfilt of up to LANES equally long signals into `buf` (samples × LANES), each extended by
 * `edge` samples of odd extension on both sides as scipy pads it; the result starts at sample `edge`.
 */
function filtfiltLanes(sos: Sos, xs: readonly ArrayLike<number>[], buf: Float64Array, edge: number): void {
  const n = xs[0].length;
  xs.forEach((x, lane) => {
    interleave(x, buf.subarray(edge * LANES), lane, 0, n);
    const first = x[0];
    const last = x[n - 1];
    for (let i = 0; i < edge; i++) buf[i * LANES + lane] = 2 * first - x[edge - i];
    for (let i = 0; i < edge; i++) buf[(edge + n + i) * LANES + lane] = 2 * last - x[n - 2 - i];
  });
  const zi = sosfiltZi(sos);
  for (let pass = 0; pass < 2; pass++) {
    // Each pass starts from the steady state of a step of its first sample, as scipy's does.
    const z = sosState(sos);
    zi.forEach((v, k) => {
      for (let lane = 0; lane < LANES; lane++) z[stateIndex(k) + lane] = v * buf[lane];
    });
    sosfiltLanes(sos, buf, n + 2 * edge, z);
    reverseSamples(buf, n + 2 * edge);
  }
}

/** Reverses the order of the first `count` samples of `buf`, keeping each sample's lanes together. */
function reverseSamples(buf: Float64Array, count: number): void {
  for (let i = 0, j = (count - 1) * LANES; i < j; i += LANES, j -= LANES) {
    for (let lane = 0; lane < LANES; lane++) {
      const t = buf[i + lane];
      buf[i + lane] = buf[j + lane];
      buf[j + lane] = t;
    }
  }
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
