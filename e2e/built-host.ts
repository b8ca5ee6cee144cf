/**
 * The web host as it ships: `node bin/hms.js serve`, which runs the built CLI in out/main/, with its
 * own data folder — and with a preload that fails any TypeScript or tsx module, in the host, its
 * worker threads and its training child alike. The end-to-end tests drive the same bundle Electron
 * loads; `npm test` builds it first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../bin/hms.js');
/** Fails the host, its workers and its children on any TypeScript or tsx module. */
export const FORBID_TYPESCRIPT = join(import.meta.dirname, 'fixtures/forbid-typescript.mjs');

export interface BuiltHost {
  url: string;
  token: string;
  port: number;
  process: ChildProcess;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  /** Stops the host (SIGINT, as Ctrl-C; SIGKILL after 10 s) and waits for it to exit. */
  close(): Promise<void>;
}

export async function startBuiltHost({ dataDir, port = 0 }: { dataDir: string; port?: number }): Promise<BuiltHost> {
  const child = spawn(process.execPath, ['--import', FORBID_TYPESCRIPT, BIN, 'serve', '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HMS_DEBUG: '' },
  });
  let printed = '';
  child.stdout.on('data', (d: Buffer) => (printed += d));
  child.stderr.on('data', (d: Buffer) => (printed += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hms serve did not start in 30 s:\n${printed}`)), 30_000);
    const look = () => {
      const found = /HMS Studio is at (\S+)/.exec(printed);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hms serve exited with code ${code}:\n${printed}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    process: child,
    output: () => printed,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
