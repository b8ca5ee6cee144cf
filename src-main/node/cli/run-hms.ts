/**
 * For the CLI's tests: runs `hms` as a user does (node bin/hms.js: the built CLI in out/main/) and
 * returns its exit code and output. A preload fails it on any TypeScript or tsx module, in its
 * worker threads and children too: what runs is what ships.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../../bin/hms.js');
const FORBID_TYPESCRIPT = join(import.meta.dirname, '../../../e2e/fixtures/forbid-typescript.mjs');

export interface HmsResult {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  /** The signal that ended it (a crash, or the timeout's SIGKILL), else null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface HmsOptions {
  /** Killed (SIGKILL) after this long. */
  timeoutMs?: number;
  /** Added to the environment. */
  env?: Record<string, string>;
  /** Node options before the script, e.g. --max-old-space-size=512 or another --import. */
  nodeArgs?: string[];
  cwd?: string;
}

export async function hms(...args: string[]): Promise<HmsResult> {
  return hmsWith({}, ...args);
}

export async function hmsWith(options: HmsOptions, ...args: string[]): Promise<HmsResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(options.nodeArgs ?? []), '--import', FORBID_TYPESCRIPT, BIN, ...args], {
      env: { ...process.env, HMS_DEBUG: '', ...options.env },
      timeout: options.timeoutMs ?? 0,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 2 ** 20,
      cwd: options.cwd,
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | string | null; signal: NodeJS.Signals | null; stdout?: string; stderr?: string };
    if (typeof e.code === 'string') throw err;
    return { code: e.code ?? null, signal: e.signal ?? null, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `hms` started and left running, for a test that acts on it while it works (kills it, races it). */
export function spawnHms(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', FORBID_TYPESCRIPT, BIN, ...args], { env: { ...process.env, HMS_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface RunningHms {
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when it has exited, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `hms` without waiting for it, for a command that runs until stopped (`hms worker`). */
export function startHms(options: HmsOptions, ...args: string[]): RunningHms {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', FORBID_TYPESCRIPT, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HMS_DEBUG: '', ...options.env },
    cwd: options.cwd,
  });
  let printed = '';
  child.stdout.on('data', (d: Buffer) => (printed += d));
  child.stderr.on('data', (d: Buffer) => (printed += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, output: () => printed, exited };
}
