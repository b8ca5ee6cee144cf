/**
 * The user's settings, kept as settings.json in the app's data folder (Electron's userData, the
 * web host's --data-dir): written whole, temp file then rename, so a crash mid-write leaves the
 * last good file; read leniently, so a damaged or older file gives defaults rather than no app.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiHandlers } from '../../core/api';
import { parseUserSettings } from '../../core/viewer-settings';
import { writeFileAtomic } from '../fs-atomic';

type SettingsHandlers = Pick<ApiHandlers, 'readSettings' | 'writeSettings'>;

export function createSettingsHandlers(dataDir: string): SettingsHandlers {
  const file = join(dataDir, 'settings.json');
  // One write at a time, in the order asked: the last settings asked for are the ones kept.
  let writing: Promise<unknown> = Promise.resolve();
  return {
    readSettings: async () => {
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      let stored: unknown;
      try {
        stored = text ? JSON.parse(text) : undefined;
      } catch {
        stored = undefined;
      }
      return parseUserSettings(stored);
    },
    writeSettings: (settings) => {
      const write = writing.then(async () => {
        await mkdir(dataDir, { recursive: true });
        await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
        return {};
      });
      writing = write.catch(() => {});
      return write;
    },
  };
}
