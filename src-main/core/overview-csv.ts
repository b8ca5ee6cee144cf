/**
 * The viewer's overviews as CSV, for a spreadsheet or a script: the region spectrogram (one row
 * per column of time and region, one column per frequency) and a classifier timeline (one row per
 * window, one column per class).
 */
import type { BatchTimeline } from './batch';
import { CLASSES } from './eeg';

export interface SpectrogramTable {
  timeSec: readonly number[];
  frequenciesHz: readonly number[];
  /** log10 power, [column][bin], per region. */
  regions: readonly { name: string; logPower: Float32Array }[];
}

/** `time_s,region,<f> Hz…`: log10 power, by time then region. */
export function spectrogramCsv(s: SpectrogramTable): string {
  const bins = s.frequenciesHz.length;
  const header = ['time_s', 'region', ...s.frequenciesHz.map((f) => `${+f.toFixed(3)}_hz`)].join(',');
  const rows = s.timeSec.flatMap((t, c) =>
    s.regions.map((r) => [+t.toFixed(3), r.name, ...Array.from(r.logPower.subarray(c * bins, (c + 1) * bins), (p) => +p.toFixed(4))].join(',')),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** `start_s,end_s,<class>…`: each window's probabilities. */
export function timelineCsv(t: Pick<BatchTimeline, 'windowSec' | 'windows'>): string {
  const header = ['start_s', 'end_s', ...CLASSES].join(',');
  const rows = t.windows.map((w) => [w.startSec, w.startSec + t.windowSec, ...w.probabilities.map((p) => +p.toFixed(6))].join(','));
  return [header, ...rows].join('\n') + '\n';
}
