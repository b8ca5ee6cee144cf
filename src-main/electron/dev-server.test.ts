/**
 * The window follows electron-vite's dev-server address only when the app runs from its sources.
 * Electron's binary cannot run here, so this holds the decision and that main.ts takes it from
 * here; the window's actual load is not exercised.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devServerUrl } from './dev-server';

const DEV = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };

describe('the dev server address', () => {
  it('is followed by an app run from its sources, never by a packaged one', () => {
    expect(devServerUrl(false, DEV)).toBe('http://localhost:5173');
    expect(devServerUrl(true, DEV)).toBeNull();
    expect(devServerUrl(false, {})).toBeNull();
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: '' })).toBeNull();
  });

  it('is the only address the main process loads', () => {
    const main = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');
    expect(main).toContain('devServerUrl(app.isPackaged, process.env)');
    expect(main.match(/\.loadURL\(/g)).toHaveLength(1);
    expect(main).toContain('loadURL(devUrl)');
  });
});
