import { describe, expect, it } from 'vitest';
import { CLASSES } from '../../core/eeg';
import type { TimelinePoint } from '../infer/classify';
import { doneRow, failedRow, SUMMARY_COLUMNS, summaryCsv } from './summary';

/** Windows at these starts, seizure probability as given, the rest shared out. */
function timeline(points: [number, number][]): TimelinePoint[] {
  return points.map(([startSec, seizure]) => ({
    startSec,
    probabilities: Object.fromEntries(CLASSES.map((c) => [c, c === 'seizure' ? seizure : (1 - seizure) / 5])) as TimelinePoint['probabilities'],
  }));
}

describe('the batch summary', () => {
  it('gives the share of windows above the threshold and the longest run of adjacent ones, each a stride long', () => {
    // 0-30 s above, 40 s below, 50-60 above, 70 s left out (NaN policy), 80 s above: runs of 4, 2 and 1 windows.
    const points = timeline([
      [0, 0.9],
      [10, 0.8],
      [20, 0.7],
      [30, 0.6],
      [40, 0.1],
      [50, 0.9],
      [60, 0.9],
      [80, 0.9],
    ]);
    const row = doneRow('a/b.edf', 'f00d', 130, points, 10, 0.5);
    expect(row).toMatchObject({ path: 'a/b.edf', status: 'done', windows: 8, durationSec: 130 });
    expect(row.share!.seizure).toBeCloseTo(7 / 8);
    expect(row.longestSec!.seizure).toBe(40);
    expect(row.share!.other).toBe(0);
    expect(row.longestSec!.other).toBe(0);
    // The window at 80 s follows a gap: with 60 s it is no run, whatever the threshold.
    expect(
      doneRow(
        'x',
        'f',
        90,
        timeline([
          [60, 0.9],
          [80, 0.9],
        ]),
        10,
        0.5,
      ).longestSec!.seizure,
    ).toBe(10);
  });

  it('writes a row per recording, sorted, with the failures and their messages quoted as CSV needs', () => {
    const csv = summaryCsv([doneRow('b.parquet', 'f00d', 50, timeline([[0, 0.9]]), 10, 0.5), failedRow('a, "odd".edf', 'f00d', 'a, "odd".edf: too short for an EDF header')]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(SUMMARY_COLUMNS.join(','));
    expect(lines[1]).toBe(`"a, ""odd"".edf",failed,,,${',,'.repeat(CLASSES.length)}f00d,"a, ""odd"".edf: too short for an EDF header"`);
    expect(lines[2].startsWith('b.parquet,done,50,1,1,10,0,0,')).toBe(true);
    expect(lines[2].endsWith(',f00d,')).toBe(true);
  });
});
