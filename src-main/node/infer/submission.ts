/** A Kaggle submission for a folder with test.csv: eeg_id and six `*_vote` probabilities summing to 1. */
import { DataError, VOTE_COLUMNS } from '../../core/eeg';
import { eegPath, openHmsFolder } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { DEFAULT_MAX_MISSING } from '../../core/quality';
import { classifyWindows, prepareRecording, type WindowModel, windowProblem } from './classify';

export interface SubmissionRow {
  eegId: string;
  probabilities: number[];
}

/** One row per test.csv row; a recording the NaN policy refuses (more than `maxMissing` of a channel missing) refuses the submission. */
export async function predictTestFolder(
  model: WindowModel,
  folderPath: string,
  onProgress?: (done: number, total: number) => void,
  maxMissing = DEFAULT_MAX_MISSING,
): Promise<SubmissionRow[]> {
  const folder = await openHmsFolder(folderPath);
  if (!folder.test) throw new DataError(folderPath, 'no test.csv: nothing to submit');
  const rows: SubmissionRow[] = [];
  for (const t of folder.test) {
    const rec = await prepareRecording(eegPath(folder, 'test', t.eegId), model.info);
    const problem = windowProblem(rec, 0, model.info.windowSamples, maxMissing);
    if (problem) throw new DataError(rec.path, `its window has ${problem}; --max-missing 1 classifies it as it is`);
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
