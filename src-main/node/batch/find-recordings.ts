/**
 * The recordings of a batch: every EDF, BDF and HMS parquet below a folder (hidden entries and
 * symbolic links to folders left out, so a snapshot folder or a loop is never walked), or the
 * files a list names, one a line. Each keeps its path below a root: its results go to the same
 * path below the results folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DataError, RECORDING_EXTENSIONS } from '../../core/eeg';
import { fileSystemProblem } from '../formats/input-file';

export interface FoundRecordings {
  root: string;
  /** Absolute paths, sorted. */
  paths: string[];
}

export function relativeTo(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** A folder (searched recursively) or a .txt list of files, relative lines from the list's folder. */
export async function findRecordings(input: string): Promise<FoundRecordings> {
  const where = resolve(input);
  const info = await stat(where).catch((err: unknown) => {
    throw new DataError(input, fileSystemProblem(err, 'file or folder'));
  });
  if (info.isDirectory()) {
    const paths = (await walk(where)).sort();
    if (paths.length === 0) throw new DataError(input, `no recordings (${RECORDING_EXTENSIONS.join(', ')}) in this folder or below it`);
    return { root: where, paths };
  }
  if (extname(where).toLowerCase() !== '.txt') throw new DataError(input, 'give a folder of recordings or a .txt list of them, one a line');
  const lines = (await readFile(where, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const paths = [...new Set(lines.map((l) => (isAbsolute(l) ? l : resolve(dirname(where), l))))].sort();
  if (paths.length === 0) throw new DataError(input, 'the list names no recording');
  return { root: commonFolder(paths), paths };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw new DataError(dir, fileSystemProblem(err, 'folder'));
  });
  const found: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await walk(path)));
    else if ((e.isFile() || e.isSymbolicLink()) && RECORDING_EXTENSIONS.includes(extname(e.name).toLowerCase())) found.push(path);
  }
  return found;
}

/** The deepest folder holding every path. */
function commonFolder(paths: string[]): string {
  let common = dirname(paths[0]);
  while (!paths.every((p) => p.startsWith(common.endsWith(sep) ? common : common + sep))) common = dirname(common);
  return common;
}
