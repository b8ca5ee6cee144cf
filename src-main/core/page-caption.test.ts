import { describe, expect, it } from 'vitest';
import { pageCaption } from './page-caption';
import { DEFAULT_VIEWER_SETTINGS } from './viewer-settings';

describe('the caption of an exported page', () => {
  it('names the file, patient and start, the montage, filters and sensitivity, and the stretch shown', () => {
    const info = { path: '/data/sine.edf', format: 'edf+c', durationSec: 120, startTime: '2024-05-17T23:59:50', patientId: 'P-042' };
    expect(pageCaption({ info, settings: { ...DEFAULT_VIEWER_SETTINGS, notchHz: 50 }, fromSec: 10, toSec: 20 })).toEqual([
      'sine.edf · edf+c · patient P-042 · started 2024-05-17 23:59:50',
      'bipolar montage · HP 0.5 Hz · LP 40 Hz · notch 50 Hz · 10 µV/mm (bar 100 µV, 1 s) · 00:00:00–00:00:10, 0:10–0:20 of 2:00',
    ]);
    const parquet = { path: 'C:\\eeg\\123.parquet', format: 'hms-parquet', durationSec: 50 };
    expect(pageCaption({ info: parquet, settings: { ...DEFAULT_VIEWER_SETTINGS, highpassHz: 0 }, fromSec: 0, toSec: 10 })).toEqual([
      '123.parquet · hms-parquet · patient not named · start time not recorded',
      'bipolar montage · HP off · LP 40 Hz · notch off · 10 µV/mm (bar 100 µV, 1 s) · 0:00–0:10 of 0:50',
    ]);
  });
});
