import { describe, expect, it } from 'vitest';
import { fft, powerSpectrum } from './fft';

describe('FFT', () => {
  it('equals the direct DFT', () => {
    const n = 64;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1);
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fft(re, im);
    for (const k of [0, 1, 7, 31, 32, 50]) {
      let dr = 0;
      let di = 0;
      for (let t = 0; t < n; t++) {
        dr += x[t] * Math.cos((-2 * Math.PI * k * t) / n);
        di += x[t] * Math.sin((-2 * Math.PI * k * t) / n);
      }
      expect(re[k]).toBeCloseTo(dr, 10);
      expect(im[k]).toBeCloseTo(di, 10);
    }
  });

  it('puts a sine in its bin', () => {
    const p = powerSpectrum(
      Float64Array.from({ length: 1024 }, (_, i) => Math.sin((2 * Math.PI * 50 * i) / 1024)),
      1024,
    );
    expect(p.indexOf(Math.max(...p))).toBe(50);
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow('power of two');
  });
});
