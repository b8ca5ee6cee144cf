import { describe, expect, it } from 'vitest';
import { calibrationBar, caliper, caliperText, pointAt, removeDc, rowAt } from './trace-math';

describe('reading traces', () => {
  it('removes each trace’s own DC for display, leaving its shape', () => {
    const [a, b] = removeDc([Float32Array.of(300, 310, 290), Float32Array.of(-5, 5)]);
    expect(Array.from(a)).toEqual([0, 10, -10]);
    expect(Array.from(b)).toEqual([-5, 5]);
  });

  it('finds the row and the sample under the pointer', () => {
    expect(rowAt(0, 400, 20)).toBe(0);
    expect(rowAt(399.9, 400, 20)).toBe(19);
    expect(rowAt(25, 400, 20)).toBe(1);
    expect(rowAt(-1, 400, 20)).toBeNull();
    expect(rowAt(400, 400, 20)).toBeNull();
    const rows = [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8)];
    expect(pointAt(rows, ['Fp1', 'F3'], 10, 2, 11.1, 1)).toEqual({ sec: 11, row: 1, channel: 'F3', uv: 7 });
    expect(pointAt(rows, ['Fp1', 'F3'], 10, 2, 12.5, 1)).toBeNull();
    expect(pointAt(rows, ['Fp1', 'F3'], 10, 2, 9, 0)).toBeNull();
  });

  it('reads a caliper: Δt, the frequency of that period and ΔµV, in words', () => {
    const a = { sec: 1.05, row: 0, channel: 'Fp1', uv: 100 };
    const b = { sec: 1.25, row: 0, channel: 'Fp1', uv: -100 };
    expect(caliper(a, b).dtSec).toBeCloseTo(0.2, 12);
    expect(caliper(a, b).hz).toBeCloseTo(5, 10);
    expect(caliper(b, a).duv).toBe(200);
    expect(caliperText(a, b)).toBe('Δt 0.200 s · 5.00 Hz · ΔV −200.0 µV (Fp1)');
    expect(caliperText(a, { ...a, channel: 'F3' })).toBe('Δt 0.000 s · — Hz · ΔV 0.0 µV (Fp1 → F3)');
  });

  it('draws the calibration bar 10 mm tall at the sensitivity, and 1 s long unless the page is short', () => {
    expect(calibrationBar(7, 10)).toEqual({ uv: 70, mm: 10, sec: 1 });
    expect(calibrationBar(7, 2)).toEqual({ uv: 70, mm: 10, sec: 0.2 });
    expect(calibrationBar(7, 1)).toEqual({ uv: 70, mm: 10, sec: 0.2 });
  });
});
