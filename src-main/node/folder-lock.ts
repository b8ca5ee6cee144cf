/**
 * One writer per folder: a run folder or a cache folder is held by one process at a time, so two
 * `hms train` on one `--out`, or a rebuild under a running preprocess, are refused with a message
 * that names the holder instead of mixing two writers' files. The lock is a small file naming its
 * owner (pid, host, what it does, since when), created exclusively. An owner that died without
 * releasing it (kill -9, power loss) is recognised on the same host by its pid, and the lock is
 * taken over; on another host (a shared disk) it cannot be told, so the message says how to clear it.
 *
 * Hand-written rather than `proper-lockfile`: that package judges a lock stale by its age (10 s by
 * default, renewed by a timer), cannot say who holds it, and leaves a killed owner's lock in the
 * way until it ages out; a pid says both at once.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../core/eeg';

export const LOCK_FILE = '.hms-lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** What the owner is doing, in words: "training", "preprocessing". */
  purpose: string;
  since: string;
}

export interface FolderLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Locks held by this process, removed if it exits without releasing them (an uncaught error, `process.exit`). */
const held = new Set<string>();
process.once('exit', () => {
  for (const path of held) if (ownedByUs(path)) rmSync(path, { force: true });
});

/** Holds `dir` (created if needed) for `purpose`, or refuses naming who holds it. */
export async function lockFolder(dir: string, purpose: string): Promise<FolderLock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  // Twice at most: once more after clearing a dead owner's lock.
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      held.add(path);
      return { path, release: () => release(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataError(dir, `cannot lock it (${(err as Error).message})`);
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const current = parseOwner(text);
    if (attempt === 0 && (current ? current.host === owner.host && !alive(current.pid) : await abandoned(path))) {
      // Re-read just before removing, so a lock someone took meanwhile is not the one removed.
      if ((await readFile(path, 'utf8').catch(() => '')) === text) await rm(path, { force: true });
      continue;
    }
    throw new DataError(dir, heldMessage(current, path));
  }
}

/** Who holds `dir`'s lock now, if a live process does (on this host; another host's owner is taken as live). */
export async function folderLockOwner(dir: string): Promise<LockOwner | null> {
  const owner = await lockFileOwner(dir);
  return owner && (owner.host !== hostname() || alive(owner.pid)) ? owner : null;
}

/** Whom `dir`'s lock file names, alive or not. */
export async function lockFileOwner(dir: string): Promise<LockOwner | null> {
  return parseOwner(await readFile(join(dir, LOCK_FILE), 'utf8').catch(() => ''));
}

async function release(path: string): Promise<void> {
  if (!held.delete(path)) return;
  if (ownedByUs(path)) await rm(path, { force: true });
}

/** A lock file without an owner that stayed so for seconds: its maker died between creating and writing it. */
async function abandoned(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return !!info && Date.now() - info.mtimeMs > 5000;
}

function ownedByUs(path: string): boolean {
  try {
    return parseOwner(readFileSync(path, 'utf8'))?.pid === process.pid;
  } catch {
    return false;
  }
}

function heldMessage(owner: LockOwner | null, path: string): string {
  if (!owner) return `another process is starting to use it (${path}); try again in a moment`;
  const who = `${owner.purpose} by process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} since ${owner.since}`;
  return `in use (${who}); wait for it to end or choose another folder — if that process is gone, delete ${path}`;
}

function parseOwner(text: string): LockOwner | null {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
