/**
 * An HMS dataset folder as the competition lays it out: train.csv / test.csv /
 * sample_submission.csv, train_eegs/ and test_eegs/ (parquet), train_spectrograms/.
 */
import { lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, VOTE_COLUMNS } from '../../core/eeg';
import type { TestRow, TrainRow } from '../../core/dataset';
import { columnReader, readCsv } from './csv';

export const TRAIN_COLUMNS = [
  'eeg_id',
  'eeg_sub_id',
  'eeg_label_offset_seconds',
  'spectrogram_id',
  'spectrogram_sub_id',
  'spectrogram_label_offset_seconds',
  'label_id',
  'patient_id',
  'expert_consensus',
  ...VOTE_COLUMNS,
] as const;
export const TEST_COLUMNS = ['spectrogram_id', 'eeg_id', 'patient_id'] as const;

export interface HmsFolder {
  root: string;
  train: TrainRow[] | null;
  test: TestRow[] | null;
}

export type Split = 'train' | 'test';

/** More votes than any panel of experts casts on one window: a count past it is a damaged file, not data. */
export const MAX_VOTES = 1000;

export function eegPath(folder: HmsFolder, split: Split, eegId: string): string {
  if (!/^\d+$/.test(eegId)) throw new DataError(folder.root, `"${eegId}" is not an eeg_id`);
  return join(folder.root, `${split}_eegs`, `${eegId}.parquet`);
}

export async function openHmsFolder(root: string): Promise<HmsFolder> {
  const s = await stat(root).catch(() => null);
  if (!s) throw new DataError(root, 'no such folder');
  if (!s.isDirectory()) throw new DataError(root, 'not a folder');
  const trainCsv = join(root, 'train.csv');
  const testCsv = join(root, 'test.csv');
  const [hasTrain, hasTest] = [await exists(trainCsv), await exists(testCsv)];
  if (!hasTrain && !hasTest) {
    throw new DataError(root, 'not an HMS dataset folder: it holds neither train.csv nor test.csv');
  }
  return {
    root,
    train: hasTrain ? await readTrainCsv(trainCsv) : null,
    test: hasTest ? await readTestCsv(testCsv) : null,
  };
}

export async function readTrainCsv(path: string): Promise<TrainRow[]> {
  const table = await readCsv(path);
  const col = columnReader(table, TRAIN_COLUMNS);
  if (table.rows.length === 0) throw new DataError(path, 'the file has a header but no rows');
  const labels = new Map<string, number>();
  return table.rows.map((_, i) => {
    const votes = VOTE_COLUMNS.map((c) => {
      const v = col.number(i, c);
      if (v < 0 || !Number.isInteger(v)) throw new DataError(path, `line ${table.lines[i]}: ${c} must be a whole number ≥ 0, got ${v}`);
      if (v > MAX_VOTES) throw new DataError(path, `line ${table.lines[i]}: ${c} is ${v}, more than the ${MAX_VOTES} votes a window can plausibly get`);
      return v;
    });
    const labelId = col.id(i, 'label_id');
    const earlier = labels.get(labelId);
    if (earlier !== undefined) throw new DataError(path, `line ${table.lines[i]}: label_id ${labelId} is already used on line ${earlier}`);
    labels.set(labelId, table.lines[i]);
    if (votes.every((v) => v === 0)) throw new DataError(path, `line ${table.lines[i]}: the row has no votes`);
    const offset = col.number(i, 'eeg_label_offset_seconds');
    if (offset < 0) throw new DataError(path, `line ${table.lines[i]}: eeg_label_offset_seconds is negative`);
    return {
      eegId: col.id(i, 'eeg_id'),
      eegSubId: col.number(i, 'eeg_sub_id'),
      eegLabelOffsetSec: offset,
      spectrogramId: col.id(i, 'spectrogram_id'),
      spectrogramSubId: col.number(i, 'spectrogram_sub_id'),
      spectrogramLabelOffsetSec: col.number(i, 'spectrogram_label_offset_seconds'),
      labelId,
      patientId: col.id(i, 'patient_id'),
      expertConsensus: col.text(i, 'expert_consensus'),
      votes,
    };
  });
}

export async function readTestCsv(path: string): Promise<TestRow[]> {
  const table = await readCsv(path);
  const col = columnReader(table, TEST_COLUMNS);
  if (table.rows.length === 0) throw new DataError(path, 'the file has a header but no rows');
  return table.rows.map((_, i) => ({
    spectrogramId: col.id(i, 'spectrogram_id'),
    eegId: col.id(i, 'eeg_id'),
    patientId: col.id(i, 'patient_id'),
  }));
}

/** sample_submission.csv: eeg_id plus the six vote columns. */
export async function readSubmissionCsv(path: string): Promise<{ eegId: string; probabilities: number[] }[]> {
  const table = await readCsv(path);
  const col = columnReader(table, ['eeg_id', ...VOTE_COLUMNS]);
  return table.rows.map((_, i) => ({
    eegId: col.id(i, 'eeg_id'),
    probabilities: VOTE_COLUMNS.map((c) => col.number(i, c)),
  }));
}

/** Whether anything is there: a broken or looping link is there too, and is then refused by its reader, in words. */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
