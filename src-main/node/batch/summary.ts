/**
 * summary.csv: a row per recording of a batch — its length and windows, and for each class the
 * share of windows whose probability is above a threshold and the longest run of them, in
 * seconds — or why it failed. A run is of windows one stride apart (a window the NaN policy left
 * out ends it), and each window counts one stride, the time its centre stands for.
 */
import type { SummaryRow } from '../../core/batch';
import { CLASSES, type ClassName } from '../../core/eeg';
import type { TimelinePoint } from '../infer/classify';

export type { SummaryRow } from '../../core/batch';

export function doneRow(path: string, fingerprint: string, durationSec: number, timeline: readonly TimelinePoint[], strideSec: number, threshold: number): SummaryRow {
  const share = {} as Record<ClassName, number>;
  const longestSec = {} as Record<ClassName, number>;
  for (const c of CLASSES) {
    let above = 0;
    let run = 0;
    let longest = 0;
    timeline.forEach((p, i) => {
      const next = p.probabilities[c] > threshold;
      const adjacent = i > 0 && p.startSec - timeline[i - 1].startSec < 1.5 * strideSec;
      if (next) above++;
      run = next ? (adjacent ? run + 1 : 1) : 0;
      longest = Math.max(longest, run);
    });
    share[c] = timeline.length ? above / timeline.length : 0;
    longestSec[c] = longest * strideSec;
  }
  return { path, status: 'done', fingerprint, durationSec, windows: timeline.length, share, longestSec };
}

export function failedRow(path: string, fingerprint: string, error: string): SummaryRow {
  return { path, status: 'failed', fingerprint, error };
}

/** Rows in order of path, as summary.csv and the Batch view list them. */
export const byPath = (a: SummaryRow, b: SummaryRow) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export const SUMMARY_COLUMNS = ['path', 'status', 'duration_sec', 'windows', ...CLASSES.flatMap((c) => [`${c}_share`, `${c}_longest_sec`]), 'model_fingerprint', 'error'];

export function summaryCsv(rows: readonly SummaryRow[]): string {
  const sorted = [...rows].sort(byPath);
  const lines = sorted.map((r) =>
    [
      r.path,
      r.status,
      r.durationSec === undefined ? '' : +r.durationSec.toFixed(3),
      r.windows ?? '',
      ...CLASSES.flatMap((c) => [r.share ? +r.share[c].toFixed(4) : '', r.longestSec ? +r.longestSec[c].toFixed(3) : '']),
      r.fingerprint,
      r.error ?? '',
    ]
      .map((v) => csvField(String(v)))
      .join(','),
  );
  return [SUMMARY_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
