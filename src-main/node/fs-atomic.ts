/** Writes that never leave a half-written file behind: write a temp file beside it, then rename. */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { DataError } from '../core/eeg';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    // The temp file is ours, not the user's: the message names the file they asked for.
    throw new DataError(path, await writeProblem(err, path));
  }
}

/** Why `path` could not be written, in words. */
async function writeProblem(err: unknown, path: string): Promise<string> {
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
      return (await stat(path).then(
        (s) => s.isDirectory(),
        () => false,
      ))
        ? 'cannot write it: a folder of that name is in the way'
        : 'cannot write it: permission denied';
    case 'ENOSPC':
      return 'cannot write it: the disk is full';
    default:
      return `cannot write it (${code ?? (err as Error)?.message ?? String(err)})`;
  }
}
