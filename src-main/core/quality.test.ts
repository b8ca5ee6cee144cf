import { describe, expect, it } from 'vitest';
import { EEG_ELECTRODES, HMS_CHANNELS } from './eeg';
import { absentElectrodes, clipInPlace, eegWindowQuality, fillMissing, missingPrefix, missingRuns, windowMissing, windowQuality } from './quality';

describe('the NaN policy', () => {
  it('finds the runs of missing samples fillMissing interpolates over, at the edges too', () => {
    const ch = Float32Array.from([NaN, 1, 2, NaN, NaN, 5, Infinity, 7, NaN]);
    expect(missingRuns(ch)).toEqual([
      [0, 1],
      [3, 5],
      [6, 7],
      [8, 9],
    ]);
    expect(missingRuns(Float32Array.from([1, 2, 3]))).toEqual([]);
  });

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

describe('electrodes without signal', () => {
  const recording = () => HMS_CHANNELS.map((_, c) => Float32Array.from({ length: 400 }, (_, i) => Math.sin(i / (5 + c)) * 50));

  it('are those missing, empty of valid samples, or flat', () => {
    const data = recording();
    data[EEG_ELECTRODES.indexOf('T5')].fill(NaN);
    data[EEG_ELECTRODES.indexOf('O1')].fill(3.5);
    data[EEG_ELECTRODES.indexOf('Cz')].fill(0);
    data[EEG_ELECTRODES.indexOf('Cz')][9] = NaN;
    data[EEG_ELECTRODES.indexOf('Pz')].fill(NaN, 0, 399);
    data[HMS_CHANNELS.indexOf('EKG')].fill(0);
    expect([...absentElectrodes(data)]).toEqual(['T5', 'O1', 'Cz', 'Pz']);
    expect([...absentElectrodes(recording())]).toEqual([]);
  });

  it('refuse a window past the share of channels they silence, naming them, and are not counted as missing samples', () => {
    const absent = { electrodes: new Set(['T5', 'O1']), rows: ['T3-T5', 'T5-O1', 'P3-O1'], rowCount: 18 };
    const fractions = HMS_CHANNELS.map((c) => (c === 'T5' || c === 'O1' ? 1 : 0));
    expect(eegWindowQuality(fractions, HMS_CHANNELS, absent, 0.2)).toEqual({ ok: true });
    expect(eegWindowQuality(fractions, HMS_CHANNELS, absent, 0.1)).toEqual({
      ok: false,
      reason: 'no signal in 3 of 18 channels (over 10%): T3-T5, T5-O1, P3-O1 (electrodes T5, O1 missing or flat)',
    });
    const gappy = fractions.map((f, i) => (HMS_CHANNELS[i] === 'F3' ? 0.5 : f));
    expect(eegWindowQuality(gappy, HMS_CHANNELS, absent, 0.2)).toMatchObject({ ok: false, reason: expect.stringContaining('F3 50%') });
  });
});
