/**
 * One e2e test file's world, made before its tests and removed after them: a temp folder, the
 * built host with its data folder (`app/`) inside it, and Chromium (`src-main/node/chromium.ts`
 * says which). `prepare` writes the file's inputs into the folder before the host starts. The
 * fields are set once the file's `beforeAll` has run; a test may replace `host` (a restarted
 * backend), and the one there at the end is closed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../src-main/node/chromium';
import { type BuiltHost, startBuiltHost } from './built-host';

/** Screenshots and exported files the tests leave for a person to look at. */
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');

export interface E2eSession {
  dir: string;
  host: BuiltHost;
  browser: Browser;
}

export function useE2eSession(name: string, prepare: (dir: string) => Promise<void> = async () => {}, timeoutMs?: number): E2eSession {
  const session = {} as E2eSession;
  beforeAll(async () => {
    session.dir = await mkdtemp(join(tmpdir(), `hms-e2e-${name}-`));
    await mkdir(ARTIFACTS, { recursive: true });
    await prepare(session.dir);
    session.host = await startBuiltHost({ dataDir: join(session.dir, 'app') });
    session.browser = await launchChromium();
  }, timeoutMs);
  afterAll(async () => {
    await session.browser?.close();
    await session.host?.close();
    if (session.dir) await rm(session.dir, { recursive: true, force: true });
  });
  return session;
}
