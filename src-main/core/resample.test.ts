import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/resample-reference.json';
import { firwinKaiser, resamplePoly, resampleRatio, resampleTo } from './resample';

function expectClose(actual: ArrayLike<number>, expected: number[], rel = 1e-6) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(rel * scale);
}

describe('resampling equals scipy.signal.resample_poly', () => {
  it('designs the same anti-aliasing FIR as scipy.signal.firwin', () => {
    expectClose(firwinKaiser(reference.firwin.taps, reference.firwin.cutoff), reference.firwin.h);
  });

  it.each(reference.cases.map((c) => [c.fromHz, c.x.length, c] as const))('%i Hz → 200 Hz, %i samples', (fromHz, _, c) => {
    expect(resampleRatio(fromHz, 200)).toEqual({ up: c.up, down: c.down });
    expectClose(resamplePoly(c.x, c.up, c.down), c.y);
  });
});

/** resample_poly by its definition: zero-stuff by up, convolve with the whole filter, keep every down-th. */
function naiveResample(x: Float64Array, up: number, down: number): Float64Array {
  const maxRate = Math.max(up, down);
  const h = firwinKaiser(20 * maxRate + 1, 1 / maxRate);
  const delay = 10 * maxRate;
  const y = new Float64Array(Math.ceil((x.length * up) / down));
  for (let i = 0; i < y.length; i++) {
    const t = i * down + delay;
    let acc = 0;
    for (let n = 0; n < h.length; n++) {
      const u = t - n;
      if (u >= 0 && u % up === 0 && u / up < x.length) acc += h[n] * up * x[u / up];
    }
    y[i] = acc;
  }
  return y;
}

describe('polyphase form', () => {
  it.each([
    [25, 32],
    [2, 5],
    [2, 1],
    [1, 5],
    [3, 7],
  ])('equals the direct definition over a long signal (up %i, down %i)', (up, down) => {
    let seed = 1;
    const x = Float64Array.from({ length: 3000 }, () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5);
    expectClose(resamplePoly(x, up, down), Array.from(naiveResample(x, up, down)), 1e-12);
  });
});

describe('resampling as a reader needs it', () => {
  it('removes what would alias: 120 Hz at 256 Hz is gone at 200 Hz, 10 Hz and 90 Hz stay', () => {
    const n = 256 * 20;
    const tone = (hz: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 256));
    const rms = (x: Float32Array) => Math.sqrt(x.slice(400, -400).reduce((s, v) => s + v * v, 0) / (x.length - 800));
    expect(rms(resampleTo(tone(10), 256, 200))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(rms(resampleTo(tone(90), 256, 200))).toBeGreaterThan(0.6);
    expect(rms(resampleTo(tone(120), 256, 200))).toBeLessThan(0.01);
    expect(resampleTo(tone(10), 256, 200).length).toBe(200 * 20);
  });

  it('keeps a gap visible: only outputs whose filter reaches the NaN are NaN (±55 ms at 256 → 200 Hz)', () => {
    const x = new Float32Array(2560).fill(1);
    x[1280] = NaN;
    const y = resampleTo(x, 256, 200);
    const nan = Array.from(y.keys()).filter((i) => Number.isNaN(y[i]));
    expect([nan[0], nan.at(-1), nan.length]).toEqual([989, 1010, 22]);
    expect(y[100]).toBeCloseTo(1, 3);
  });

  it('refuses rates it cannot turn into a sensible ratio', () => {
    expect(() => resampleRatio(Math.PI * 100, 200)).toThrow('at most 3 decimals');
    expect(() => resampleRatio(0, 200)).toThrow('at least 0.001 Hz');
    expect(() => resampleRatio(1e-300, 200)).toThrow('at least 0.001 Hz');
    expect(resampleRatio(499.712, 200)).toEqual({ up: 3125, down: 7808 });
  });
});
