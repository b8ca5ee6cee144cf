/**
 * PyTorch beside our engines, in one run: a python child running the reference net
 * (`torch_reference.py`, bundled as text) step by step on request, so a bench can alternate between
 * it and onnxruntime and report a ratio that load on a shared machine cannot skew. Optional: where
 * no python with torch is found, the bench says so and reports our figures alone.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import source from './torch_reference.py?raw';

export interface PyTorchReference {
  version: string;
  threads: number;
  /** One step of the reference net, training or inference: the ms it took, timed in python. */
  time(step: 'train' | 'infer'): Promise<number>;
  close(): void;
}

/** glibc's malloc settings that keep buffers of up to 1 GB in the heap and never trim it. */
const KEPT_IN_HEAP = { MALLOC_MMAP_THRESHOLD_: String(2 ** 30), MALLOC_TRIM_THRESHOLD_: String(2 ** 40) };

/** Pythons tried in turn: `HMS_PYTHON` when set; else the one on the PATH, then the system's (where Debian's python3-torch lives). */
const defaultPythons = () => (process.env.HMS_PYTHON ? [process.env.HMS_PYTHON] : ['python3', '/usr/bin/python3']);

/**
 * How the child's glibc malloc treats PyTorch's large buffers: `kept` in the heap (PyTorch at its
 * best, as with jemalloc or tcmalloc), or glibc's `default`, which hands them back to the OS after
 * every step and page-faults them in again — how Debian's PyTorch runs when nobody tunes it.
 */
export type PyTorchMalloc = 'kept' | 'default';

/** The reference in the first python that has torch, or why none could run it. */
export async function startPyTorchReference(threads: number, pythons = defaultPythons(), malloc: PyTorchMalloc = 'kept'): Promise<PyTorchReference | { unavailable: string }> {
  const reasons: string[] = [];
  for (const python of pythons) {
    const started = await startIn(python, threads, malloc);
    if ('time' in started) return started;
    reasons.push(`${python}: ${started.unavailable}`);
  }
  return { unavailable: `no python with torch (${reasons.join('; ')}); set HMS_PYTHON to one` };
}

async function startIn(python: string, threads: number, malloc: PyTorchMalloc): Promise<PyTorchReference | { unavailable: string }> {
  // glibc's malloc returns PyTorch's large buffers to the OS after each step and page-faults them back in on the next, which makes Debian's build 3–4× slower on this net; kept in the heap, as a tuned PyTorch setup (jemalloc, tcmalloc) would, it runs at its best. `default` clears them, so a caller's own setting cannot tune it unasked.
  const env = { ...process.env };
  for (const [name, value] of Object.entries(KEPT_IN_HEAP)) {
    if (malloc === 'kept') env[name] = value;
    else delete env[name];
  }
  const child = spawn(python, ['-c', source, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const spawnFailed = new Promise<string>((resolve) => child.on('error', (err) => resolve(err.message)));
  const first = await Promise.race([nextLine(lines, child), spawnFailed.then(() => null)]);
  const ready = first && parseReady(first);
  if (!ready) {
    child.kill();
    const lastError = stderr.trim().split('\n').at(-1);
    return { unavailable: lastError || (await Promise.race([spawnFailed, Promise.resolve('it did not start')])) };
  }
  return {
    ...ready,
    async time(step) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the PyTorch reference stopped: ${stderr.trim().split('\n').at(-1) ?? 'no message'}`);
      child.stdin.write(`${step}\n`);
      const answer = await nextLine(lines, child);
      if (answer === null) throw new Error(`the PyTorch reference stopped: ${stderr.trim().split('\n').at(-1) ?? 'no message'}`);
      return Number(answer);
    },
    close() {
      child.stdin.end();
      lines.close();
    },
  };
}

/** The child's next line, or null when it ends first. */
function nextLine(lines: Interface, child: ChildProcessWithoutNullStreams): Promise<string | null> {
  return new Promise((resolve) => {
    const onLine = (line: string) => {
      child.off('close', onExit);
      resolve(line);
    };
    const onExit = () => {
      lines.off('line', onLine);
      resolve(null);
    };
    lines.once('line', onLine);
    child.once('close', onExit);
  });
}

function parseReady(line: string): { version: string; threads: number } | null {
  try {
    const parsed = JSON.parse(line) as { ready?: boolean; version?: string; threads?: number };
    return parsed.ready ? { version: String(parsed.version), threads: Number(parsed.threads) } : null;
  } catch {
    return null;
  }
}
