import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './fs-atomic';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hms-atomic-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each([
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (path: string, data: string) => writeFileAtomicSync(path, data)],
])('%s', (name, writeFileAtomic) => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, name);
    await mkdir(dir);
  });

  it('writes the whole file, and leaves no temp file behind', async () => {
    await writeFileAtomic(join(dir, 'a.txt'), 'hello');
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('hello');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('names the file asked for, never its temp file, when it cannot be written', async () => {
    const missing = join(dir, 'nope', 'b.npy');
    await expect(writeFileAtomic(missing, 'x')).rejects.toThrow(`${missing}: cannot write it: its folder ${join(dir, 'nope')} does not exist`);
    await mkdir(join(dir, 'c.npy'));
    const refusal = writeFileAtomic(join(dir, 'c.npy'), 'x');
    await expect(refusal).rejects.toThrow(`${join(dir, 'c.npy')}: cannot write it: a folder of that name is in the way`);
    await expect(refusal).rejects.not.toThrow('.tmp');
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'c.npy']);
  });
});
