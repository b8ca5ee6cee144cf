/**
 * The backend's runtime entries — worker threads and the training child — and where each one
 * lives. In the built app (out/main/: what Electron loads, what `hms` runs) every entry is a JS
 * file of its own beside the bundle's shared chunks, built from the source named here
 * (electron.vite.config.ts reads this table). Run from the TypeScript sources, as the unit tests
 * do, an entry is its .ts module started through the dev-only tsx bootstrap.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Entry name → its source, relative to the repository root. The bundle holds `<name>.js`. */
export const RUNTIME_ENTRIES = {
  'batch-worker': 'src-main/node/batch/thread.ts',
  'cache-worker': 'src-main/node/cache/worker.ts',
  'edf-bench-child': 'src-main/node/bench/edf-day-child.ts',
  'generate-worker': 'src-main/node/generate/worker.ts',
  'grad-worker': 'src-main/node/train/grad-worker.ts',
  'training-child': 'src-main/node/train/child.ts',
} as const;

export type RuntimeEntry = keyof typeof RUNTIME_ENTRIES;

/** Replaced by `true` when electron-vite builds the bundle; undeclared in the sources. */
declare const __HMS_BUNDLE__: boolean | undefined;

/** Whether this code runs from the built bundle (out/main/) rather than the TypeScript sources. */
export const BUNDLED = typeof __HMS_BUNDLE__ !== 'undefined' && __HMS_BUNDLE__;

/** The built entry's file, beside this module's chunk in out/main/. */
function bundled(name: RuntimeEntry): URL {
  return new URL(`./${name}.js`, import.meta.url);
}

/** The entry's TypeScript module, from the repository root three folders up. */
function source(name: RuntimeEntry): URL {
  return new URL(`../../../${RUNTIME_ENTRIES[name]}`, import.meta.url);
}

/**
 * The file a host that cannot go through tsx starts for an entry (Electron's utilityProcess).
 * Only the bundle has one.
 */
export function entryFile(name: RuntimeEntry): string {
  if (!BUNDLED) throw new Error(`the ${name} entry exists as a file only in the built app: run \`npm run build\``);
  return fileURLToPath(bundled(name));
}

/** Starts a worker thread on an entry. The sources' bootstrap reads the module to load from `workerData.moduleUrl`. */
export function startWorker(name: RuntimeEntry, options: WorkerOptions = {}): Worker {
  if (BUNDLED) return new Worker(bundled(name), options);
  const workerData = { ...(options.workerData as object | undefined), moduleUrl: source(name).href };
  return new Worker(new URL('./bootstrap.mjs', import.meta.url), { ...options, workerData });
}

/** Forks a Node process on an entry. */
export function forkEntry(name: RuntimeEntry, options: ForkOptions = {}): ChildProcess {
  if (BUNDLED) return fork(bundled(name), [], options);
  return fork(new URL('./child-bootstrap.mjs', import.meta.url), [source(name).href], options);
}
