/**
 * Rational resampling with an anti-aliasing FIR, equal to scipy.signal.resample_poly(x, up, down)
 * (Kaiser window β = 5, 20·max(up, down)+1 taps, zero padding at the ends), computed in polyphase
 * form: only the kept outputs are evaluated, ~taps/up multiply-adds each.
 *
 * NaN policy: a NaN input is not filled; it makes NaN every output whose polyphase row reaches it
 * (about ±10·max(up, down)/up input samples, 50 ms at 256 → 200 Hz), so a gap stays a gap, only
 * slightly widened, and the NaN policy downstream still sees it.
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
    const r = m / alpha;
    h[n] = cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0beta);
    sum += h[n];
  }
  for (let n = 0; n < taps; n++) h[n] /= sum;
  return h;
}

/**
 * scipy's filter split into `up` phases. Output i is Σ_j bank[q·taps + j] · x[p + j] with
 * t = (i + skip)·down, q = t mod up, p = ⌊t/up⌋ − taps + 1: each phase is stored reversed so the
 * dot product walks the input forwards.
 */
interface PolyphaseBank {
  bank: Float64Array;
  taps: number;
  /** Leading outputs of the full convolution that resample_poly drops (its group-delay shift). */
  skip: number;
}

/** Banks designed lately: a reader resamples many short ranges (a page, a spectrogram column) at one ratio. */
const banks = new Map<string, PolyphaseBank>();

function polyphaseBank(up: number, down: number): PolyphaseBank {
  const key = `${up}/${down}`;
  let bank = banks.get(key);
  if (!bank) {
    bank = designBank(up, down);
    banks.set(key, bank);
    // A few ratios are in use at a time; a server fed files of many odd rates keeps only the latest.
    if (banks.size > 8) banks.delete(banks.keys().next().value!);
  }
  return bank;
}

function designBank(up: number, down: number): PolyphaseBank {
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const fir = firwinKaiser(2 * halfLen + 1, 1 / maxRate);
  // resample_poly pads the filter in front so the filter's centre lands on a kept output.
  const prePad = down - (halfLen % down);
  const skip = Math.floor((halfLen + prePad) / down);
  const length = prePad + fir.length;
  const taps = Math.ceil(length / up);
  const bank = new Float64Array(up * taps);
  for (let n = prePad; n < length; n++) {
    const q = n % up;
    bank[q * taps + taps - 1 - (n - q) / up] = fir[n - prePad] * up;
  }
  return { bank, taps, skip };
}

/** Outputs computed together from one filter row: their inputs are `down` apart, their outputs `up`. */
const SIBLINGS = 8;

/** scipy.signal.resample_poly(x, up, down). */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number): Float64Array {
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return Float64Array.from(x);
  const input = x instanceof Float64Array ? x : new Float64Array(x);
  const nIn = input.length;
  const nOut = Math.ceil((nIn * up) / down);
  const { bank, taps, skip } = polyphaseBank(up, down);
  const y = new Float64Array(nOut);
  const firstInput = (i: number) => Math.floor(((i + skip) * down) / up) - taps + 1;

  // Outputs whose filter row lies wholly inside the input form one run [lo, hi]; around it the
  // row is cut at the ends of the input (zero padding).
  let lo = 0;
  while (lo < nOut && firstInput(lo) < 0) lo++;
  let hi = nOut - 1;
  while (hi >= lo && firstInput(hi) + taps > nIn) hi--;

  const edge = (i: number) => {
    const t = (i + skip) * down;
    const q = t % up;
    const p = (t - q) / up - taps + 1;
    const base = q * taps;
    let acc = 0;
    for (let j = Math.max(0, -p), last = Math.min(taps - 1, nIn - 1 - p); j <= last; j++) acc += bank[base + j] * input[p + j];
    y[i] = acc;
  };
  for (let i = 0; i < lo; i++) edge(i);

  // The sibling outputs i, i+up, …, i+7up share one filter row; computing them together loads
  // each coefficient once and gives the CPU eight independent sums: 2–3× a plain dot product per
  // output, and measurably faster than four.
  let i = lo;
  const s1 = down;
  const s2 = 2 * down;
  const s3 = 3 * down;
  const s4 = 4 * down;
  const s5 = 5 * down;
  const s6 = 6 * down;
  const s7 = 7 * down;
  for (; i + SIBLINGS * up - 1 <= hi; i += SIBLINGS * up) {
    for (let r = 0; r < up; r++) {
      const t = (i + r + skip) * down;
      const q = t % up;
      const p = (t - q) / up - taps + 1;
      const base = q * taps;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let a4 = 0;
      let a5 = 0;
      let a6 = 0;
      let a7 = 0;
      for (let j = 0; j < taps; j++) {
        const c = bank[base + j];
        const pj = p + j;
        a0 += c * input[pj];
        a1 += c * input[pj + s1];
        a2 += c * input[pj + s2];
        a3 += c * input[pj + s3];
        a4 += c * input[pj + s4];
        a5 += c * input[pj + s5];
        a6 += c * input[pj + s6];
        a7 += c * input[pj + s7];
      }
      const o = i + r;
      y[o] = a0;
      y[o + up] = a1;
      y[o + 2 * up] = a2;
      y[o + 3 * up] = a3;
      y[o + 4 * up] = a4;
      y[o + 5 * up] = a5;
      y[o + 6 * up] = a6;
      y[o + 7 * up] = a7;
    }
  }
  for (; i < nOut; i++) edge(i);
  return y;
}

/** The smallest up/down that takes fromHz to toHz; rates may have up to 3 decimals (e.g. 256, 499.712). */
export function resampleRatio(fromHz: number, toHz: number): { up: number; down: number } {
  const scaleBy = 1000;
  const a = Math.round(fromHz * scaleBy);
  const b = Math.round(toHz * scaleBy);
  if (!(a > 0) || !(b > 0) || Math.abs(a - fromHz * scaleBy) > 1e-4 || Math.abs(b - toHz * scaleBy) > 1e-4) {
    throw new Error(`cannot resample from ${fromHz} Hz to ${toHz} Hz: rates must be at least 0.001 Hz with at most 3 decimals`);
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
  return new Float32Array(resamplePoly(x, up, down));
}
