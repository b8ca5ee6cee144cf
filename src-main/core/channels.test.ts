import { describe, expect, it } from 'vitest';
import { HMS_CHANNELS, type Recording } from './eeg';
import { channelName, normaliseChannelLabel, toHmsLayout } from './channels';

describe('channel labels', () => {
  it.each([
    ['EEG Fp1-REF', 'Fp1'],
    ['FP1', 'Fp1'],
    ['Fp1-LE', 'Fp1'],
    ['EEG FP1-Ref', 'Fp1'],
    ['fp1', 'Fp1'],
    ['EEG T7-REF', 'T3'],
    ['T8', 'T4'],
    ['P7-LE', 'T5'],
    ['EEG P8-AVG', 'T6'],
    ['FZ', 'Fz'],
    ['EEG CZ-REF', 'Cz'],
    ['O2-A1', 'O2'],
    [' Pz ', 'Pz'],
    ['ECG', 'EKG'],
    ['EKG1', 'EKG'],
    ['ECG EKG', 'EKG'],
    ['EKG', 'EKG'],
    ['ECG-REF', 'EKG'],
    ['EEG EKG1-REF', 'EKG'],
    ['ECG L', 'EKG'],
    ['ECGR', 'EKG'],
    ['POL Fp2', 'Fp2'],
    ['Fp1.', 'Fp1'],
    ['T7..', 'T3'],
    ['fz_ref', 'Fz'],
    ['EEG Fp1-F7', 'EEG Fp1-F7'],
    ['Photic', 'Photic'],
    ['EEG A1-REF', 'EEG A1-REF'],
    ['HR', 'HR'],
    ['ECGX', 'ECGX'],
    ['  Resp  ', 'Resp'],
  ])('%s → %s', (label, expected) => expect(normaliseChannelLabel(label)).toBe(expected));
});

function recording(channels: string[]): Recording {
  return {
    channels,
    sampleRateHz: 200,
    data: channels.map((_, i) => Float32Array.from([i, i + 0.5])),
    units: channels.map(() => 'uV'),
    annotations: [],
    source: { path: 'x.edf', format: 'edf' },
  };
}

describe('names of the channels outside the HMS layout', () => {
  it.each([
    ['EEG T1-REF', 'T1'],
    ['POL A2', 'A2'],
    ['EEG FPZ-LE', 'Fpz'],
    ['Oz.', 'Oz'],
    ['EEG PO7-REF', 'PO7'],
    ['FCZ', 'FCz'],
    ['EEG T7-REF', 'T3'],
    ['ECG', 'EKG'],
    [' EMG chin ', 'EMG chin'],
    ['SpO2', 'SpO2'],
    ['EEG Photic-REF', 'EEG Photic-REF'],
  ])('%s → %s', (label, name) => expect(channelName(label)).toBe(name));
});

describe('HMS layout', () => {
  it('orders channels as HMS does and marks the missing ones as NaN', () => {
    const rec = recording([
      'EEG T7-REF',
      'EEG Fp1-REF',
      'ECG',
      'EEG FP1-LE',
      'Photic',
      ...['F3', 'C3', 'P3', 'F7', 'T5', 'O1', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'F8', 'T4', 'T6'],
    ]);
    const { recording: out, missing, duplicates } = toHmsLayout(rec);
    expect(out.channels).toEqual(HMS_CHANNELS);
    expect(out.data[HMS_CHANNELS.indexOf('T3')][0]).toBe(0);
    expect(out.data[HMS_CHANNELS.indexOf('Fp1')][0]).toBe(1);
    expect(out.data[HMS_CHANNELS.indexOf('EKG')][0]).toBe(2);
    expect(missing).toEqual(['O2']);
    expect(Array.from(out.data[HMS_CHANNELS.indexOf('O2')]).every(Number.isNaN)).toBe(true);
    expect(duplicates).toEqual(['EEG FP1-LE']);
  });

  it('names the file when no EEG channel is there at all', () => {
    expect(() => toHmsLayout(recording(['Photic', 'Resp']))).toThrow('x.edf: no 10-20 EEG channel found among: Photic, Resp');
  });
});
