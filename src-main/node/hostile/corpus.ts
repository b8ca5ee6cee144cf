/**
 * A corpus of hostile and odd inputs for `hms`: damaged parquet, EDF/BDF, dataset folders, ONNX
 * models and run folders, and paths that are not files. Every input is made here, by code, from a
 * valid base the app's own writers produce, then damaged; nothing binary is committed. Each case
 * says how `hms` is to be run on it and what must happen: a refusal in one line naming the file,
 * a usage error, or (for the valid-but-odd) success.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusCase, Made } from './corpus-case';
import { edfCases } from './edf-cases';
import { folderCases } from './folder-cases';
import { modelCases } from './model-cases';
import { parquetCases } from './parquet-cases';
import { runCases } from './run-cases';
import { writeShared, type Shared } from './shared';

export interface PreparedCase extends CorpusCase, Made {
  dir: string;
  out: string;
  /** TMPDIR of the run: must be empty when it ends. */
  tmp: string;
}

/** What the messages of some cases must say, beyond naming the file. */
const SAYS: Record<string, RegExp> = {
  'footer-2e40-rows-window': /footer claims 1099511627776 rows/,
  'parquet-loop': /loop/,
  'train-loop': /loop/,
  'gap-74h-classify': /the window from 0 s has too much missing data/,
  'gap-74h-timeline': /a gap without data records/,
  'gap-74h-halves-timeline': /gaps without data records \(74\.0 h/,
  'nan-output': /NaN/,
  'evaluate-unusable': /no labelled window/,
  'meta-no-filter': /hms\.preprocess/,
  'export-out-no-folder': /does not exist/,
};

export const ALL_CASES: CorpusCase[] = [...parquetCases, ...edfCases, ...folderCases, ...modelCases, ...runCases].map((c) => (SAYS[c.name] ? { ...c, says: SAYS[c.name] } : c));

/** Writes every case's input under `root` (and what they share under root/shared). */
export async function writeCorpus(root: string, cases: CorpusCase[] = ALL_CASES): Promise<{ shared: Shared; cases: PreparedCase[] }> {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`two corpus cases are named ${c.name}`);
    names.add(c.name);
  }
  const shared = await writeShared(join(root, 'shared'));
  const prepared: PreparedCase[] = [];
  for (const c of cases) {
    // Two levels down, so that an input that climbs out of its dataset (../../) still lands where the test looks.
    const dir = join(root, 'cases', c.name, 'a', 'b');
    const out = join(root, 'cases', c.name, 'out');
    const tmp = join(root, 'cases', c.name, 'tmp');
    await Promise.all([mkdir(dir, { recursive: true }), mkdir(out, { recursive: true }), mkdir(tmp, { recursive: true })]);
    prepared.push({ ...c, ...(await c.make(dir, out, shared)), dir: join(root, 'cases', c.name), out, tmp });
  }
  return { shared, cases: prepared };
}
