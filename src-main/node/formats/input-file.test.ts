import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile, readInputFileInto, regularFileSize } from './input-file';
import { readEdf } from './edf';
import { readHmsParquet } from './parquet';
import { readCsv } from './csv';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-input-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('files a user names', () => {
  it('reads a regular file, through a symbolic link too', async () => {
    await writeFile(join(dir, 'a.txt'), 'hello');
    await symlink(join(dir, 'a.txt'), join(dir, 'link.txt'));
    expect((await readInputFile(join(dir, 'link.txt'))).toString()).toBe('hello');
  });

  it('refuses a named pipe at once instead of waiting for a writer, in every reader', async () => {
    const fifo = join(dir, 'pipe.edf');
    execFileSync('mkfifo', [fifo]);
    const reuse = async (path: string) => readInputFileInto(path, (n) => new Uint8Array(n));
    for (const read of [readEdf, readHmsParquet, readCsv, readInputFile, reuse]) {
      await expect(read(fifo)).rejects.toThrow(`${fifo}: not a regular file (a pipe, socket or device): only files are read`);
    }
  });

  it('refuses a device (a link to /dev/zero never ends), a folder, a loop of links and a missing file, each in words', async () => {
    await symlink('/dev/zero', join(dir, 'zero.parquet'));
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await expect(readHmsParquet(join(dir, 'zero.parquet'))).rejects.toThrow('zero.parquet: not a regular file');
    await expect(readInputFile(dir)).rejects.toThrow(`${dir}: a folder, not a file`);
    await expect(readInputFile(join(dir, 'loop-a'))).rejects.toThrow('loop-a: its symbolic links form a loop');
    await expect(readInputFile(join(dir, 'none'))).rejects.toThrow('none: no such file');
  });

  it('checks the size before reading a byte', async () => {
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(3 << 20));
    await expect(regularFileSize(join(dir, 'big.bin'), 2 << 20)).rejects.toThrow('big.bin: the file is 3.0 MiB; files over 2.0 MiB are not read whole');
  });

  it('reads a file into the memory it is handed, the same memory file after file', async () => {
    const memory = new Uint8Array(64);
    const buffer = (n: number) => memory.subarray(0, n);
    await writeFile(join(dir, 'one.txt'), 'a longer first file');
    await writeFile(join(dir, 'two.txt'), 'second');
    expect(Buffer.from(readInputFileInto(join(dir, 'one.txt'), buffer)).toString()).toBe('a longer first file');
    const second = readInputFileInto(join(dir, 'two.txt'), buffer);
    expect([Buffer.from(second).toString(), second.buffer]).toEqual(['second', memory.buffer]);
    expect(() => readInputFileInto(dir, buffer)).toThrow(`${dir}: a folder, not a file`);
    expect(() => readInputFileInto(join(dir, 'none'), buffer)).toThrow('none: no such file');
  });
});
