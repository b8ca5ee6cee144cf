/**
 * Reading a file a user named. Only a regular file is opened: a named pipe blocks the reading
 * thread until a writer comes (four such calls stalled every later read of the web host), and a
 * device such as /dev/zero never ends. Its size is checked before a byte is read. Every refusal
 * is one line naming the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { DataError } from '../../core/eeg';

/** The most Node reads into one buffer; a larger recording needs a reader that streams it. */
export const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;

/** Why the file system refused a path, in words. */
export function fileSystemProblem(err: unknown, what = 'file'): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no such ${what}`;
    case 'ELOOP':
      return 'its symbolic links form a loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a folder on its path is a file';
    default:
      return `cannot read it (${code ?? String(err)})`;
  }
}

/** Checks that `path` is a regular file of at most `maxBytes`, and returns its size. */
export async function regularFileSize(path: string, maxBytes = MAX_WHOLE_FILE_BYTES): Promise<number> {
  const info = await stat(path).catch((err: unknown) => {
    throw new DataError(path, fileSystemProblem(err));
  });
  return checkedSize(path, info, maxBytes);
}

function checkedSize(path: string, info: Stats, maxBytes: number): number {
  if (info.isDirectory()) throw new DataError(path, 'a folder, not a file');
  if (!info.isFile()) throw new DataError(path, 'not a regular file (a pipe, socket or device): only files are read');
  if (info.size > maxBytes) throw new DataError(path, `the file is ${gib(info.size)}; files over ${gib(maxBytes)} are not read whole`);
  return info.size;
}

/** The whole of a regular file. */
export async function readInputFile(path: string, maxBytes = MAX_WHOLE_FILE_BYTES): Promise<Buffer> {
  await regularFileSize(path, maxBytes);
  return readFile(path).catch((err: unknown) => {
    throw new DataError(path, fileSystemProblem(err));
  });
}

/**
 * The whole of a regular file, read into the memory `buffer` hands out for its size: a worker
 * reading file after file reuses one buffer instead of leaving each to the garbage collector.
 * Synchronous, for a worker thread, which it blocks alone: each step through libuv's threadpool
 * waited for a core the workers themselves held. The size is checked on the opened file, before a
 * byte is read; a pipe opens without blocking and is refused there.
 */
export function readInputFileInto(path: string, buffer: (bytes: number) => Uint8Array, maxBytes = MAX_WHOLE_FILE_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new DataError(path, fileSystemProblem(err));
  }
  try {
    const size = checkedSize(path, fstatSync(fd), maxBytes);
    const into = buffer(size);
    let at = 0;
    // A file that shrank since its size was read ends early; one that grew is read to its old size.
    while (at < size) {
      const got = readSync(fd, into, at, size - at, at);
      if (got === 0) break;
      at += got;
    }
    return into.subarray(0, at);
  } catch (err) {
    throw err instanceof DataError ? err : new DataError(path, fileSystemProblem(err));
  } finally {
    closeSync(fd);
  }
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
