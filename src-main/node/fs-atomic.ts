/** Writes that never leave a half-written file behind: write a temp file beside it, then rename. */
import { closeSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { DataError } from '../core/eeg';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const folder = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // The temp file is ours, not the user's: the message names the file they asked for.
    throw new DataError(path, writeProblem(err, path, folder));
  }
}

/** writeFileAtomic for a worker thread, which it blocks alone: no hops through libuv's threadpool. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  writeAtomicSync(path, (fd) => writeFileSync(fd, data));
}

/**
 * A file written piece by piece through `write` (a copy too large to hold whole), into a temp file
 * renamed into place once `write` returns. A DataError `write` throws (a source it reads, named)
 * passes as it is; any other failure is said as a problem writing `path`.
 */
export function writeAtomicSync(path: string, write: (fd: number) => void): void {
  const tmp = tempPath(path);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    write(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    if (err instanceof DataError) throw err;
    throw new DataError(path, writeProblem(err, path, statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false));
  }
}

function tempPath(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Why `path` could not be written, in words; `folder`: whether a folder of its name is there. */
function writeProblem(err: unknown, path: string, folder: boolean): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `cannot write it: its folder ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return 'cannot write it: a folder on its path is a file';
    case 'EISDIR':
      return 'cannot write it: a folder of that name is in the way';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return folder ? 'cannot write it: a folder of that name is in the way' : 'cannot write it: permission denied';
    case 'ENOSPC':
      return 'cannot write it: the disk is full';
    default:
      return `cannot write it (${code ?? (err as Error)?.message ?? String(err)})`;
  }
}
