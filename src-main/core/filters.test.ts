import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/signal-reference.json';
import { butterSos, designFilter, filterChannels, filterProblem, frequencyResponse, MAX_FILTER_ORDER, notchSos, sosfilt, sosfiltfilt, sosfiltZi, type Sos } from './filters';

/** |a − b| ≤ 1e-6 · max|b| element-wise: relative to the vector's scale, so zero crossings don't flake. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-6) {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(rel * scale);
}

type Design = { order: number; cutoff: number | [number, number]; band: 'lowpass' | 'highpass' | 'bandpass' | 'bandstop'; fs: number; sos: number[][] };
const designs = reference.designs as Design[];

const sine = (hz: number, fs: number, n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / fs));
const rms = (x: ArrayLike<number>, from = 0) => {
  let s = 0;
  for (let i = from; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / (x.length - from));
};

describe('Butterworth design equals scipy.signal.butter(..., output="sos")', () => {
  it.each(designs.map((d, i) => [i, `${d.band} order ${d.order} ${JSON.stringify(d.cutoff)} Hz at ${d.fs} Hz`, d] as const))('design %i: %s', (_, __, d) => {
    const sos = butterSos(d.order, d.cutoff, d.band, d.fs);
    expect(sos.length / 6).toBe(d.sos.length);
    const rows = Array.from({ length: d.sos.length }, (_, s) => Array.from(sos.subarray(s * 6, s * 6 + 6)));
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1e-6 * Math.max(...b.map(Math.abs)));
    if (rows.every((r, s) => near(r, d.sos[s]))) return;
    // Mirror-image poles (a band-stop centred on fs/4) tie to the last bit in zpk2sos's "worst
    // pole first" pairing, so the cascade order may differ from scipy's: same sections, same filter.
    // The gain rides on the first section, so sections are compared with b scaled to b0 = 1.
    const unit = (r: number[]) => [...r.slice(0, 3).map((v) => v / r[0]), ...r.slice(3)];
    const unmatched = d.sos.map(unit);
    for (const r of rows.map(unit)) {
      const k = unmatched.findIndex((u) => near(r, u));
      expect(k, `section ${r.join(' ')} not in scipy's design`).toBeGreaterThanOrEqual(0);
      unmatched.splice(k, 1);
    }
    const x = Float64Array.from(reference.signal);
    expectClose(sosfiltfilt(sos, x), sosfiltfilt(Float64Array.from(d.sos.flat()), x));
  });

  it('equals scipy.signal.iirnotch for 50 and 60 Hz', () => {
    for (const n of reference.notches) expectClose(notchSos(n.freq, n.fs), n.sos);
  });

  it('refuses cut-offs a clinician could mistype', () => {
    expect(() => butterSos(4, [20, 0.5], 'bandpass', 200)).toThrow('must be below');
    expect(() => butterSos(4, 120, 'lowpass', 200)).toThrow('between 0 and 100 Hz');
    expect(() => butterSos(0, 10, 'lowpass', 200)).toThrow('order');
    expect(() => butterSos(4, 10, 'bandpass', 200)).toThrow('two cut-offs');
  });
});

describe('filtering along time equals scipy.signal.sosfilt / sosfiltfilt', () => {
  const x = Float64Array.from(reference.signal);
  it.each(reference.filtering.map((f) => [f.design, f] as const))('design %i', (i, f) => {
    const sos = Float64Array.from(designs[i].sos.flat());
    expectClose(sosfilt(sos, x), f.causal);
    expectClose(sosfiltfilt(sos, x), f.zeroPhase);
  });

  it('sosfilt_zi equals scipy', () => {
    reference.zi.designs.forEach((d, k) => expectClose(sosfiltZi(Float64Array.from(designs[d].sos.flat())), reference.zi.values[k]));
  });

  it('frequency response equals scipy.signal.sosfreqz', () => {
    const r = frequencyResponse(Float64Array.from(designs[reference.freqz.design].sos.flat()), 200, 64);
    expectClose(r.freqHz, reference.freqz.freqHz);
    // Compared in dB where the response is above −200 dB (deeper is rounding noise in both).
    const keep = reference.freqz.magnitudeDb.map((v, i) => [v, i]).filter(([v]) => v > -200);
    expectClose(
      keep.map(([, i]) => r.magnitudeDb[i]),
      keep.map(([v]) => v),
      1e-6,
    );
  });
});

describe('what a clinician relies on', () => {
  const fs = 200;
  const notebook: Sos = designFilter({ highpassHz: 0.5, lowpassHz: 20, order: 4 }, fs);

  it('the 0.5–20 Hz band-pass keeps 10 Hz and removes 60 Hz mains (> 40 dB)', () => {
    const keep = sosfiltfilt(notebook, sine(10, fs, 4000));
    const cut = sosfiltfilt(notebook, sine(60, fs, 4000));
    expect(rms(keep.subarray(1000, 3000))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(20 * Math.log10(rms(cut.subarray(1000, 3000)) / Math.SQRT1_2)).toBeLessThan(-40);
  });

  it('the cut-off is the −3 dB point', () => {
    const r = frequencyResponse(butterSos(4, 20, 'lowpass', fs), fs, 1000);
    expect(r.magnitudeDb[200]).toBeCloseTo(-3.01, 1);
  });

  it('zero-phase keeps a spike where it was; causal filtering delays it', () => {
    const x = new Float64Array(2000);
    x[1000] = 100;
    const peak = (y: Float64Array) => y.indexOf(Math.max(...y));
    expect(peak(sosfiltfilt(notebook, x))).toBe(1000);
    expect(peak(sosfilt(notebook, x))).toBeGreaterThan(1002);
  });

  it('the notch removes 50 Hz and keeps 45 Hz', () => {
    const notch = designFilter({ notchHz: 50 }, fs);
    expect(rms(sosfiltfilt(notch, sine(50, fs, 4000)).subarray(1000, 3000))).toBeLessThan(0.01);
    expect(rms(sosfiltfilt(notch, sine(45, fs, 4000)).subarray(1000, 3000))).toBeGreaterThan(0.68);
  });

  it('filters each channel along time without mixing channels (the notebook filtered across them)', () => {
    const data = [Float32Array.from(sine(8, fs, 1000)), new Float32Array(1000), Float32Array.from(sine(3, fs, 1000))];
    const out = filterChannels(data, { highpassHz: 0.5, lowpassHz: 20, zeroPhase: true }, fs);
    expect(out[1].every((v) => v === 0)).toBe(true);
    expect(rms(out[0], 200)).toBeGreaterThan(0.6);
    expect(data[0][5]).toBe(Float32Array.from(sine(8, fs, 1000))[5]);
  });

  it('an empty spec leaves the signal as it was', () => {
    const data = [Float32Array.from([1, 2, 3])];
    expect(Array.from(filterChannels(data, {}, fs)[0])).toEqual([1, 2, 3]);
  });

  it('refuses an order past 16 (order 1000 gave NaN everywhere) and cut-offs outside 0–Nyquist, naming the setting', () => {
    expect(filterProblem({ highpassHz: 0.5, lowpassHz: 20, order: 1000 }, fs)).toEqual({
      setting: 'order',
      problem: `the filter order must be a whole number from 1 to ${MAX_FILTER_ORDER}, got 1000`,
    });
    expect(() => designFilter({ highpassHz: 0.5, lowpassHz: 20, order: 1000 }, fs)).toThrow('from 1 to 16, got 1000');
    expect(filterProblem({ order: 2.5 }, fs)?.setting).toBe('order');
    expect(filterProblem({ lowpassHz: 150 }, fs)).toEqual({ setting: 'band', problem: 'the low-pass cut-off must lie between 0 and 100 Hz (half of 200 Hz), got 150' });
    expect(filterProblem({ highpassHz: 30, lowpassHz: 10 }, fs)?.problem).toBe("the band's low edge (30 Hz) must be below its high edge (10 Hz)");
    expect(filterProblem({ notchHz: 55 as 50 }, fs)?.setting).toBe('notch');
    expect(filterProblem({ highpassHz: 0.5, lowpassHz: 20, order: MAX_FILTER_ORDER, notchHz: 60, zeroPhase: true }, fs)).toBeNull();
    const [y] = filterChannels([Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 7))], { highpassHz: 0.5, lowpassHz: 20, order: MAX_FILTER_ORDER, zeroPhase: true }, fs);
    expect(y.every(Number.isFinite)).toBe(true);
  });
});
