import { describe, expect, it } from 'vitest';
import { clipInPlace, fillMissing, missingPrefix, windowMissing, windowQuality } from './quality';

describe('the NaN policy', () => {
  it('interpolates inside gaps and holds the edges (leading NaNs no longer drop a file)', () => {
    const { data, missingFraction } = fillMissing([Float32Array.from([NaN, NaN, 2, NaN, NaN, 8, Infinity, NaN])]);
    expect(Array.from(data[0])).toEqual([2, 2, 2, 4, 6, 8, 8, 8]);
    expect(missingFraction[0]).toBe(6 / 8);
  });

  it('turns an all-missing channel into zeros and leaves the input untouched', () => {
    const input = Float32Array.from([NaN, NaN, NaN]);
    const { data, missingFraction } = fillMissing([input, Float32Array.from([1, 2, 3])]);
    expect(Array.from(data[0])).toEqual([0, 0, 0]);
    expect(missingFraction).toEqual([1, 0]);
    expect(Number.isNaN(input[0])).toBe(true);
  });

  it('rejects a window above the threshold and says which channels', () => {
    expect(windowQuality([0, 0.1, 0.2], ['Fp1', 'F3', 'C3'], 0.2)).toEqual({ ok: true });
    const bad = windowQuality([0.5, 0.1, 0.9], ['Fp1', 'F3', 'C3'], 0.2);
    expect(bad).toEqual({ ok: false, reason: 'too much missing data (over 20%): C3 90%, Fp1 50%' });
  });

  it('clips to ±limit', () => {
    expect(Array.from(clipInPlace([Float32Array.from([-2000, -5, 0, 1500])], 1024)[0])).toEqual([-1024, -5, 0, 1024]);
  });

  it("counts any window's missing fraction from running counts, none kept for a channel that misses nothing", () => {
    const ch = Float32Array.from([1, NaN, NaN, 4, Infinity, 6, 7, 8]);
    const prefix = missingPrefix(ch)!;
    expect(Array.from(prefix)).toEqual([0, 0, 1, 2, 2, 3, 3, 3, 3]);
    expect(missingPrefix(Float32Array.from([1, 2]))).toBeNull();
    expect(windowMissing([prefix, null], 0, 4)).toEqual([0.5, 0]);
    expect(windowMissing([prefix], 4, 4)).toEqual([0.25]);
    expect(windowQuality(windowMissing([prefix], 0, 4), ['Fp1'])).toEqual({ ok: false, reason: 'too much missing data (over 20%): Fp1 50%' });
  });
});
