/** A Kaggle submission for a folder with test.csv: eeg_id and six `*_vote` probabilities summing to 1. */
import { DataError, VOTE_COLUMNS } from '../../core/eeg';
import { eegPath, openHmsFolder } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { classifyWindows, prepareRecording, type WindowModel } from './classify';

export interface SubmissionRow {
  eegId: string;
  probabilities: number[];
}

export async function predictTestFolder(model: WindowModel, folderPath: string, onProgress?: (done: number, total: number) => void): Promise<SubmissionRow[]> {
  const folder = await openHmsFolder(folderPath);
  if (!folder.test) throw new DataError(folderPath, 'no test.csv: nothing to submit');
  const rows: SubmissionRow[] = [];
  for (const t of folder.test) {
    const rec = await prepareRecording(eegPath(folder, 'test', t.eegId), model.info);
    const [p] = await classifyWindows(model, rec, [0]);
    rows.push({ eegId: t.eegId, probabilities: Array.from(p) });
    onProgress?.(rows.length, folder.test.length);
  }
  return rows;
}

export function submissionCsv(rows: readonly SubmissionRow[]): string {
  const lines = rows.map((r) => {
    const sum = r.probabilities.reduce((a, b) => a + b, 0);
    return [r.eegId, ...r.probabilities.map((p) => (p / sum).toPrecision(7))].join(',');
  });
  return [['eeg_id', ...VOTE_COLUMNS].join(','), ...lines].join('\n') + '\n';
}

export async function writeSubmission(path: string, rows: readonly SubmissionRow[]): Promise<void> {
  await writeFileAtomic(path, submissionCsv(rows));
}
