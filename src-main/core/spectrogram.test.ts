import { describe, expect, it } from 'vitest';
import { regionSpectrogram, spectrogramFrequencies } from './spectrogram';

describe('HMS-layout spectrogram', () => {
  it('has 100 bins from 0.59 to 19.92 Hz and a row every 2 s', () => {
    const f = spectrogramFrequencies(200);
    expect(f).toHaveLength(100);
    expect(f[0]).toBeCloseTo(0.586, 3);
    expect(f[99]).toBeCloseTo(19.92, 2);
    const s = regionSpectrogram(
      Array.from({ length: 18 }, () => new Float32Array(200 * 20)),
      200,
    );
    expect(Array.from(s.timeSec.slice(0, 3))).toEqual([1, 3, 5]);
    expect(s.power[0][0]).toHaveLength(10);
  });

  it('puts a chain group’s rhythm in that group’s rows at its frequency', () => {
    const hz = 5;
    const chains = Array.from({ length: 18 }, (_, c) => Float32Array.from({ length: 200 * 30 }, (_, i) => (c >= 4 && c < 8 ? 50 * Math.sin((2 * Math.PI * hz * i) / 200) : 0)));
    const s = regionSpectrogram(chains, 200);
    const rl = s.power[1].map((bin) => bin[5]);
    const peak = rl.indexOf(Math.max(...rl));
    expect(s.frequenciesHz[peak]).toBeCloseTo(hz, 0);
    expect(Math.max(...s.power[0].map((bin) => bin[5]))).toBe(0);
  });
});
