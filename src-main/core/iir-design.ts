/**
 * Digital IIR design in second-order sections, step for step as scipy.signal designs them
 * (buttap → lp2{lp,hp,bp,bs}_zpk → bilinear_zpk → zpk2sos with 'nearest' pairing), so our
 * sections, their order and gain placement equal `scipy.signal.butter(..., output='sos')`.
 */

/** n sections × [b0 b1 b2 a0 a1 a2], a0 = 1. */
export type Sos = Float64Array;

type C = { re: number; im: number };
const c = (re: number, im = 0): C => ({ re, im });
const add = (a: C, b: C): C => c(a.re + b.re, a.im + b.im);
const sub = (a: C, b: C): C => c(a.re - b.re, a.im - b.im);
const mul = (a: C, b: C): C => c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const scale = (a: C, k: number): C => c(a.re * k, a.im * k);
const abs = (a: C): number => Math.hypot(a.re, a.im);
function div(a: C, b: C): C {
  const d = b.re * b.re + b.im * b.im;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
/** Principal square root, as numpy's for complex input. */
function sqrt(a: C): C {
  if (a.re === 0 && a.im === 0) return c(0, 0);
  const r = abs(a);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sqrt((r - a.re) / 2);
  return c(re, a.im < 0 ? -im : im);
}
const prod = (xs: C[]): C => xs.reduce((acc, x) => mul(acc, x), c(1));
const neg = (a: C): C => c(-a.re, -a.im);

interface Zpk {
  z: C[];
  p: C[];
  k: number;
}

/** Analog Butterworth prototype: poles on the unit circle's left half, no zeros. */
function buttap(n: number): Zpk {
  const p: C[] = [];
  for (let m = -n + 1; m < n; m += 2) {
    const theta = (Math.PI * m) / (2 * n);
    // -exp(1j * theta)
    p.push(c(-Math.cos(theta), -Math.sin(theta)));
  }
  return { z: [], p, k: 1 };
}

export type Band = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

function transform(proto: Zpk, band: Band, warped: number[]): Zpk {
  const { z, p, k } = proto;
  const degree = p.length - z.length;
  const gainInverted = () => div(prod(z.map(neg)), prod(p.map(neg))).re;
  switch (band) {
    case 'lowpass': {
      const wo = warped[0];
      return { z: z.map((x) => scale(x, wo)), p: p.map((x) => scale(x, wo)), k: k * wo ** degree };
    }
    case 'highpass': {
      const wo = warped[0];
      return {
        z: [...z.map((x) => div(c(wo), x)), ...Array.from({ length: degree }, () => c(0))],
        p: p.map((x) => div(c(wo), x)),
        k: k * gainInverted(),
      };
    }
    case 'bandpass': {
      const bw = warped[1] - warped[0];
      const wo = Math.sqrt(warped[0] * warped[1]);
      const shift = (xs: C[]) => {
        const lp = xs.map((x) => scale(x, bw / 2));
        const root = lp.map((x) => sqrt(sub(mul(x, x), c(wo * wo))));
        return [...lp.map((x, i) => add(x, root[i])), ...lp.map((x, i) => sub(x, root[i]))];
      };
      return { z: [...shift(z), ...Array.from({ length: degree }, () => c(0))], p: shift(p), k: k * bw ** degree };
    }
    case 'bandstop': {
      const bw = warped[1] - warped[0];
      const wo = Math.sqrt(warped[0] * warped[1]);
      const shift = (xs: C[]) => {
        const hp = xs.map((x) => div(c(bw / 2), x));
        const root = hp.map((x) => sqrt(sub(mul(x, x), c(wo * wo))));
        return [...hp.map((x, i) => add(x, root[i])), ...hp.map((x, i) => sub(x, root[i]))];
      };
      return {
        z: [...shift(z), ...Array.from({ length: degree }, () => c(0, wo)), ...Array.from({ length: degree }, () => c(0, -wo))],
        p: shift(p),
        k: k * gainInverted(),
      };
    }
  }
}

/** Bilinear transform with scipy's fs = 2 convention for normalised frequencies. */
function bilinear({ z, p, k }: Zpk, fs: number): Zpk {
  const fs2 = c(2 * fs);
  const degree = p.length - z.length;
  return {
    z: [...z.map((x) => div(add(fs2, x), sub(fs2, x))), ...Array.from({ length: degree }, () => c(-1))],
    p: p.map((x) => div(add(fs2, x), sub(fs2, x))),
    k: k * div(prod(z.map((x) => sub(fs2, x))), prod(p.map((x) => sub(fs2, x)))).re,
  };
}

const EPS = 2.220446049250313e-16;
const isReal = (x: C) => x.im === 0;

/** scipy's _cplxreal: one of each conjugate pair (positive imaginary part), then the reals, each sorted. */
function cplxreal(values: C[]): C[] {
  if (values.length === 0) return [];
  const tol = 100 * EPS;
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const real = sorted.filter((x) => Math.abs(x.im) <= tol * abs(x)).map((x) => c(x.re));
  const cplx = sorted.filter((x) => Math.abs(x.im) > tol * abs(x));
  const pos = cplx.filter((x) => x.im > 0);
  const negs = cplx.filter((x) => x.im < 0);
  if (pos.length !== negs.length) throw new Error('complex values without conjugates');
  // Runs of (nearly) equal real part are ordered by |imag|, as scipy does.
  let start = 0;
  for (let i = 1; i <= pos.length; i++) {
    if (i === pos.length || !(pos[i].re - pos[i - 1].re <= tol * abs(pos[i - 1]))) {
      for (const arr of [pos, negs]) {
        const run = arr.slice(start, i).sort((a, b) => Math.abs(a.im) - Math.abs(b.im));
        arr.splice(start, run.length, ...run);
      }
      start = i;
    }
  }
  const pairs = pos.map((x, i) => scale(add(x, c(negs[i].re, -negs[i].im)), 0.5));
  return [...pairs, ...real];
}

function nearestIndex(from: C[], to: C, which: 'real' | 'complex' | 'any'): number {
  const order = from.map((x, i) => ({ i, d: abs(sub(x, to)) })).sort((a, b) => a.d - b.d || a.i - b.i);
  const hit = order.find(({ i }) => which === 'any' || (which === 'real') === isReal(from[i]));
  if (!hit) throw new Error(`no ${which} value to pair with`);
  return hit.i;
}

/** Real polynomial coefficients of the given roots (1, 2 or none), padded to length 3 on the left. */
function section(zs: C[], ps: C[]): number[] {
  const poly = (roots: C[]): number[] => {
    let coeffs: C[] = [c(1)];
    for (const r of roots) {
      const next: C[] = [...coeffs, c(0)];
      for (let i = 1; i < next.length; i++) next[i] = sub(next[i], mul(r, coeffs[i - 1]));
      coeffs = next;
    }
    return coeffs.map((x) => x.re);
  };
  const b = poly(zs);
  const a = poly(ps);
  const out = [0, 0, 0, 0, 0, 0];
  b.forEach((v, i) => (out[3 - b.length + i] = v));
  a.forEach((v, i) => (out[6 - a.length + i] = v));
  return out;
}

/** scipy's zpk2sos with pairing 'nearest' (digital). */
function zpk2sos({ z: z0, p: p0, k }: Zpk): Sos {
  if (z0.length === 0 && p0.length === 0) return Float64Array.from([k, 0, 0, 1, 0, 0]);
  let p = [...p0, ...Array.from({ length: Math.max(z0.length - p0.length, 0) }, () => c(0))];
  let z = [...z0, ...Array.from({ length: Math.max(p0.length - z0.length, 0) }, () => c(0))];
  const nSections = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) {
    p.push(c(0));
    z.push(c(0));
  }
  z = cplxreal(z);
  p = cplxreal(p);
  const worst = (xs: C[]) => {
    let best = 0;
    for (let i = 1; i < xs.length; i++) if (Math.abs(1 - abs(xs[i])) < Math.abs(1 - abs(xs[best]))) best = i;
    return best;
  };
  const take = (xs: C[], i: number) => xs.splice(i, 1)[0];
  const sos = new Float64Array(nSections * 6);
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(p, worst(p));
    let row: number[];
    const realPoles = p.filter(isReal).length;
    if (isReal(p1) && realPoles === 0) {
      const z1 = take(z, nearestIndex(z, p1, 'real'));
      row = section([z1, c(0)], [p1, c(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && realPoles === 1 && z.filter(isReal).length === 1) {
      const z1 = take(z, nearestIndex(z, p1, 'complex'));
      row = section([z1, c(z1.re, -z1.im)], [p1, c(p1.re, -p1.im)]);
    } else {
      let p2: C;
      if (isReal(p1)) {
        const realIdx = p.map((x, i) => (isReal(x) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, realIdx[worst(realIdx.map((i) => p[i]))]);
      } else p2 = c(p1.re, -p1.im);
      if (z.length > 0) {
        const z1 = take(z, nearestIndex(z, p1, 'any'));
        if (!isReal(z1)) row = section([z1, c(z1.re, -z1.im)], [p1, p2]);
        else if (z.length > 0) row = section([z1, take(z, nearestIndex(z, p1, 'real'))], [p1, p2]);
        else row = section([z1], [p1, p2]);
      } else row = section([], [p1, p2]);
    }
    sos.set(row, si * 6);
  }
  for (let i = 0; i < 3; i++) sos[i] *= k;
  return sos;
}

/** scipy.signal.butter(order, cutoffHz, band, fs=fsHz, output='sos'). */
export function butterSos(order: number, cutoffHz: number | readonly [number, number], band: Band, fsHz: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new Error(`filter order must be a whole number ≥ 1, got ${order}`);
  const cut = typeof cutoffHz === 'number' ? [cutoffHz] : [...cutoffHz];
  const twoSided = band === 'bandpass' || band === 'bandstop';
  if (cut.length !== (twoSided ? 2 : 1)) throw new Error(`a ${band} filter needs ${twoSided ? 'two cut-offs' : 'one cut-off'}`);
  for (const f of cut) {
    if (!(f > 0 && f < fsHz / 2)) throw new Error(`cut-off ${f} Hz must lie between 0 and ${fsHz / 2} Hz (half of ${fsHz} Hz)`);
  }
  if (twoSided && !(cut[0] < cut[1])) throw new Error(`the low cut-off (${cut[0]} Hz) must be below the high one (${cut[1]} Hz)`);
  const warped = cut.map((f) => 4 * Math.tan((Math.PI * ((2 * f) / fsHz)) / 2));
  return zpk2sos(bilinear(transform(buttap(order), band, warped), 2));
}

/** scipy.signal.iirnotch(freqHz, q, fs=fsHz) as one section: −3 dB width = freqHz / q. */
export function notchSos(freqHz: number, fsHz: number, q = 30): Sos {
  if (!(freqHz > 0 && freqHz < fsHz / 2)) throw new Error(`notch frequency ${freqHz} Hz must lie between 0 and ${fsHz / 2} Hz`);
  const w0 = ((2 * freqHz) / fsHz) * Math.PI;
  const bw = ((2 * freqHz) / fsHz / q) * Math.PI;
  const gb = 1 / Math.sqrt(2);
  const beta = (Math.sqrt(1 - gb ** 2) / gb) * Math.tan(bw / 2);
  const gain = 1 / (1 + beta);
  return Float64Array.from([gain, -2 * Math.cos(w0) * gain, gain, 1, -2 * gain * Math.cos(w0), 2 * gain - 1]);
}
