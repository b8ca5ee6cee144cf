/** The built-in dataset's `truth.csv`: each window's true class distribution, by label id. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES } from '../../core/eeg';
import { columnReader, readCsv } from '../formats/csv';

export const TRUTH_FILE = 'truth.csv';

/** null when the folder has no truth (real data). */
export async function readTruth(folder: string, file = TRUTH_FILE): Promise<Map<string, number[]> | null> {
  const path = join(folder, file);
  if (
    !(await access(path).then(
      () => true,
      () => false,
    ))
  )
    return null;
  const table = await readCsv(path);
  const col = columnReader(table, ['label_id', ...CLASSES]);
  return new Map(table.rows.map((_, r) => [col.text(r, 'label_id'), CLASSES.map((c) => col.number(r, c))]));
}
