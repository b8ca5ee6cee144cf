import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRecordings, relativeTo } from './find-recordings';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-find-'));
  for (const f of ['site-a/1.edf', 'site-a/deep/2.BDF', 'site-b/3.parquet', 'site-b/notes.txt', '.snapshot/4.edf', 'site-b/.5.edf']) {
    await mkdir(join(dir, 'archive', f, '..'), { recursive: true });
    await writeFile(join(dir, 'archive', f), '');
  }
}, 10_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('finding the recordings of a batch', () => {
  it('walks a folder for EDF, BDF and parquet files, leaving hidden ones out', async () => {
    const found = await findRecordings(join(dir, 'archive'));
    expect(found.paths.map((p) => relativeTo(found.root, p))).toEqual(['site-a/1.edf', 'site-a/deep/2.BDF', 'site-b/3.parquet']);
  });

  it('reads a list, its relative lines from its own folder, rooted where the files have their common folder', async () => {
    const list = join(dir, 'list.txt');
    await writeFile(list, `# the night shift\narchive/site-a/deep/2.BDF\n\n${join(dir, 'archive/site-a/1.edf')}\narchive/site-a/1.edf\n`);
    const found = await findRecordings(list);
    expect(found.root).toBe(join(dir, 'archive/site-a'));
    expect(found.paths.map((p) => relativeTo(found.root, p))).toEqual(['1.edf', 'deep/2.BDF']);
  });

  it('says what is wrong with an input that names no recordings', async () => {
    await expect(findRecordings(join(dir, 'nowhere'))).rejects.toThrow(/nowhere: no such file or folder/);
    await mkdir(join(dir, 'empty'));
    await expect(findRecordings(join(dir, 'empty'))).rejects.toThrow(/empty: no recordings \(\.parquet, \.edf, \.bdf\) in this folder or below it/);
    await expect(findRecordings(join(dir, 'archive/site-b/notes.txt'))).rejects.toThrow(/notes\.txt: the list names no recording/);
  });
});
