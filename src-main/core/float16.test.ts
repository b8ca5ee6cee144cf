import { describe, expect, it } from 'vitest';
import { float16Table, fromFloat16, toFloat16Bits } from './float16';
import { Random } from './random';

describe('float16', () => {
  it('rounds to the nearest half-float, ties to even, and reads back every one of them exactly', () => {
    const t = float16Table();
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) if (!Number.isNaN(t[h]) && toFloat16Bits(t[h]) !== h) wrong.push(h);
    expect(wrong).toEqual([]);
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(Number.isNaN(t[toFloat16Bits(NaN)])).toBe(true);
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: to the even one, 1.
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // The smallest subnormal, and half of it rounding to zero (even).
    expect(toFloat16Bits(2 ** -24)).toBe(1);
    expect(toFloat16Bits(2 ** -25)).toBe(0);
  });

  it('keeps preprocessed EEG within 2^-11 of each value (under 0.5 µV at the ±1024 µV clip)', () => {
    const rng = new Random(1);
    const values = Float32Array.from({ length: 100_000 }, () => Math.max(-1024, Math.min(1024, 40 * rng.normal() * Math.exp(rng.normal()))));
    const back = fromFloat16(Uint16Array.from(values, toFloat16Bits));
    let worst = 0;
    let worstUv = 0;
    values.forEach((v, i) => {
      worstUv = Math.max(worstUv, Math.abs(back[i] - v));
      if (Math.abs(v) > 2 ** -14) worst = Math.max(worst, Math.abs(back[i] - v) / Math.abs(v));
    });
    expect(worstUv).toBeLessThanOrEqual(0.5);
    expect(worst).toBeLessThanOrEqual(2 ** -11);
  });
});
