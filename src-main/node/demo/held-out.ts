/**
 * The demo's unseen data: the built-in test split's recordings (patients of their own, never
 * trained on), their hidden votes and truth from `test_truth.csv`, and one long EDF stitched from
 * them — a recording whose class changes every 50 s, where the truth of each stretch is known.
 */
import { join } from 'node:path';
import { CLASSES, type Recording, VOTE_COLUMNS } from '../../core/eeg';
import { argmax } from '../../core/dataset';
import { columnReader, readCsv } from '../formats/csv';
import { writeEdf } from '../formats/edf-write';
import { eegPath, openHmsFolder } from '../formats/hms-folder';
import { readHmsEegParquet } from '../formats/parquet';
import type { TimelineBand } from './svg-charts';

export interface HeldOutRecording {
  eegId: string;
  path: string;
  votes: number[];
  truth: number[];
}

export async function readHeldOut(folder: string): Promise<HeldOutRecording[]> {
  const hms = await openHmsFolder(folder);
  const table = await readCsv(join(folder, 'test_truth.csv'));
  const col = columnReader(table, ['eeg_id', ...CLASSES, ...VOTE_COLUMNS]);
  return table.rows.map((_, r) => {
    const eegId = col.text(r, 'eeg_id');
    return { eegId, path: eegPath(hms, 'test', eegId), votes: VOTE_COLUMNS.map((c) => col.number(r, c)), truth: CLASSES.map((c) => col.number(r, c)) };
  });
}

/** Writes the recordings one after another as an EDF+C; returns the stretches and their true class. */
export async function stitchEdf(recordings: readonly HeldOutRecording[], out: string): Promise<TimelineBand[]> {
  const parts: Recording[] = [];
  for (const r of recordings) parts.push(await readHmsEegParquet(r.path));
  const first = parts[0];
  const samples = parts.reduce((n, p) => n + p.data[0].length, 0);
  const data = first.channels.map((_, c) => {
    const joined = new Float32Array(samples);
    let offset = 0;
    for (const p of parts) {
      // NaN gaps held at zero: EDF has no NaN, and a flat stretch is what a recorder writes.
      const d = p.data[c];
      for (let i = 0; i < d.length; i++) joined[offset + i] = Number.isNaN(d[i]) ? 0 : d[i];
      offset += d.length;
    }
    return joined;
  });
  await writeEdf(out, { ...first, data, annotations: [], source: { path: out, format: 'edf+c' } }, { patient: 'HMS demo stitched test recordings' });
  let t = 0;
  return parts.map((p, i) => {
    const seconds = p.data[0].length / p.sampleRateHz;
    const band = { startSec: t, endSec: t + seconds, label: CLASSES[argmax(recordings[i].truth)] };
    t += seconds;
    return band;
  });
}
