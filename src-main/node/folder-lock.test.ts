import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderLockOwner, LOCK_FILE, lockFolder } from './folder-lock';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ownerFile = (pid: number) => JSON.stringify({ pid, host: hostname(), purpose: 'training', since: '2026-01-01T00:00:00.000Z' });

describe('a folder lock', () => {
  it('holds a folder for one owner at a time, names the holder to the second, and frees it on release', async () => {
    const folder = join(dir, 'run');
    const lock = await lockFolder(folder, 'training');
    expect(JSON.parse(await readFile(join(folder, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'training' });
    expect(await folderLockOwner(folder)).toMatchObject({ pid: process.pid });
    await expect(lockFolder(folder, 'preprocessing')).rejects.toThrow(`${folder}: in use (training by process ${process.pid} since`);
    await lock.release();
    expect(await folderLockOwner(folder)).toBeNull();
    const again = await lockFolder(folder, 'preprocessing');
    await again.release();
  });

  it("takes over the lock of a process that died holding it, but never a live process's", async () => {
    const folder = join(dir, 'stale');
    await lockFolder(folder, 'x').then((l) => l.release());
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(join(folder, LOCK_FILE), ownerFile(dead));
    expect(await folderLockOwner(folder)).toBeNull();
    const lock = await lockFolder(folder, 'training');
    expect(JSON.parse(await readFile(join(folder, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();

    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(join(folder, LOCK_FILE), ownerFile(live.pid!));
      await expect(lockFolder(folder, 'training')).rejects.toThrow(`in use (training by process ${live.pid} since 2026-01-01T00:00:00.000Z)`);
      await expect(lockFolder(folder, 'training')).rejects.toThrow(`if that process is gone, delete ${join(folder, LOCK_FILE)}`);
    } finally {
      live.kill('SIGKILL');
      await new Promise((resolve) => live.once('exit', resolve));
    }
    await lockFolder(folder, 'training').then((l) => l.release());
  });

  it("leaves another host's lock alone, and clears a lock file left empty only once it is seconds old", async () => {
    const folder = join(dir, 'odd');
    await lockFolder(folder, 'x').then((l) => l.release());
    await writeFile(join(folder, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', purpose: 'training', since: 'then' }));
    await expect(lockFolder(folder, 'training')).rejects.toThrow('in use (training by process 1 on elsewhere since then)');
    await writeFile(join(folder, LOCK_FILE), '');
    await expect(lockFolder(folder, 'training')).rejects.toThrow('another process is starting to use it');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(folder, LOCK_FILE), old, old);
    await lockFolder(folder, 'training').then((l) => l.release());
  });
});
