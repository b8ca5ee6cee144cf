/**
 * For the CLI's tests: runs `hms` as a user does (node bin/hms.js: the built CLI in out/main/) and
 * returns its exit code and output. A preload fails it on any TypeScript or tsx module, in its
 * worker threads and children too: what runs is what ships.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/hms.js');
const FORBID_TYPESCRIPT = join(import.meta.dirname, '../../../e2e/fixtures/forbid-typescript.mjs');

export async function hms(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', FORBID_TYPESCRIPT, BIN, ...args], { env: { ...process.env, HMS_DEBUG: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
