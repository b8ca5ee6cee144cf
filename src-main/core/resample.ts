/**
 * Rational resampling with an anti-aliasing FIR, equal to scipy.signal.resample_poly(x, up, down)
 * (Kaiser window β = 5, 20·max(up, down)+1 taps, zero padding at the ends). Computed in polyphase
 * form: only the kept outputs are evaluated, ~taps/up multiply-adds each. A NaN input makes the
 * outputs whose filter support covers it NaN, so the NaN policy still sees the gap.
 */

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; exact to rounding for |x| ≤ 50). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** scipy.signal.firwin(taps, cutoff, window=('kaiser', beta)): low-pass, cut-off relative to Nyquist, unit DC gain. */
export function firwinKaiser(taps: number, cutoff: number, beta = 5): Float64Array {
  const alpha = (taps - 1) / 2;
  const h = new Float64Array(taps);
  const i0beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const m = n - alpha;
    const x = cutoff * m;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = (n - alpha) / alpha;
    const w = besselI0(beta * Math.sqrt(1 - r * r)) / i0beta;
    h[n] = cutoff * sinc * w;
    sum += h[n];
  }
  for (let n = 0; n < taps; n++) h[n] /= sum;
  return h;
}

/** scipy.signal.resample_poly(x, up, down). */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number): Float64Array {
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return Float64Array.from(x);
  const nIn = x.length;
  const nOut = Math.ceil((nIn * up) / down);
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const fir = firwinKaiser(2 * halfLen + 1, 1 / maxRate);
  const nPrePad = down - (halfLen % down);
  const nPreRemove = Math.floor((halfLen + nPrePad) / down);
  const outputLen = (lenH: number) => Math.floor(((nIn - 1) * up + lenH - 1) / down) + 1;
  let nPostPad = 0;
  while (outputLen(fir.length + nPrePad + nPostPad) < nOut + nPreRemove) nPostPad++;
  const h = new Float64Array(nPrePad + fir.length + nPostPad);
  for (let i = 0; i < fir.length; i++) h[nPrePad + i] = fir[i] * up;

  // Polyphase bank: phase q holds h[q], h[q+up], … contiguously, so each output is one dot product.
  const tapsPerPhase = Math.ceil(h.length / up);
  const bank = new Float64Array(up * tapsPerPhase);
  for (let q = 0; q < up; q++) for (let m = 0; q + m * up < h.length; m++) bank[q * tapsPerPhase + m] = h[q + m * up];
  const input = x instanceof Float64Array ? x : Float64Array.from(x);

  const y = new Float64Array(nOut);
  for (let i = 0; i < nOut; i++) {
    // y[i] = Σ_m bank[q][m] · x[k − m], where t = (i + nPreRemove)·down = k·up + q.
    const t = (i + nPreRemove) * down;
    const q = t % up;
    const k = (t - q) / up;
    const base = q * tapsPerPhase;
    const mFirst = Math.max(0, k - (nIn - 1));
    const mLast = Math.min(tapsPerPhase - 1, k);
    let acc = 0;
    for (let m = mFirst; m <= mLast; m++) acc += bank[base + m] * input[k - m];
    y[i] = acc;
  }
  return y;
}

/** The smallest up/down that takes fromHz to toHz; rates may have up to 3 decimals (e.g. 256, 499.712). */
export function resampleRatio(fromHz: number, toHz: number): { up: number; down: number } {
  const scaleBy = 1000;
  const a = Math.round(fromHz * scaleBy);
  const b = Math.round(toHz * scaleBy);
  if (!(fromHz > 0) || !(toHz > 0) || Math.abs(a - fromHz * scaleBy) > 1e-4 || Math.abs(b - toHz * scaleBy) > 1e-4) {
    throw new Error(`cannot resample from ${fromHz} Hz to ${toHz} Hz: rates must be positive with at most 3 decimals`);
  }
  const g = gcd(a, b);
  const up = b / g;
  const down = a / g;
  if (Math.max(up, down) > 10_000) throw new Error(`resampling ${fromHz} Hz → ${toHz} Hz needs a ${up}/${down} ratio; too fine to filter well`);
  return { up, down };
}

/** One channel from fromHz to toHz, with anti-aliasing. */
export function resampleTo(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz) return new Float32Array(x);
  const { up, down } = resampleRatio(fromHz, toHz);
  return Float32Array.from(resamplePoly(x, up, down));
}
