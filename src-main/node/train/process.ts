/**
 * Training in a child process, so that its memory, its worker threads and any crash stay out of
 * the caller. The CLI and the web host fork a Node process; Electron starts a utility process —
 * both are a `TrainingChild`, so the protocol and its failure handling are one code path. What
 * the child prints, and how it ended, go to the run's `training.log` (a packaged app has no
 * terminal), and on to the caller's stderr.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainConfig, TrainEvent, TrainResult } from '../../core/training';
import { LOCK_FILE, lockFileOwner } from '../folder-lock';
import { writeFileAtomic } from '../fs-atomic';
import { forkEntry } from '../workers/entries';
import type { TrainCommand } from './protocol';
import { RUN_FILE } from './run-folder';

/** What both a forked Node process and Electron's UtilityProcess offer. */
export interface TrainingChild {
  readonly pid: number | undefined;
  postMessage(message: TrainCommand): void;
  on(event: 'message', listener: (message: TrainEvent) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string | null) => void): unknown;
  /** The child's output, when it is piped to us. */
  readonly stdout?: ChildOutput | null;
  readonly stderr?: ChildOutput | null;
}

/** A child's stdout or stderr: Node's Readable and Electron's stream alike. */
interface ChildOutput {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

interface RunLog {
  note(line: string): void;
  /** Waits (a second at most) for the child's last output, then closes the log. */
  close(): Promise<void>;
}

/** The log a run folder keeps of its training processes: one per run, appended to on resume. */
export const TRAINING_LOG = 'training.log';

export interface TrainingProcess {
  readonly pid: number;
  /** Stops after the current step; `done` then resolves with status 'cancelled'. */
  cancel(): void;
  /** The run's result, or a rejection naming what went wrong — including the process dying. */
  done: Promise<TrainResult>;
}

/** A forked Node process speaking the protocol over its IPC channel. */
export function forkNodeChild(): TrainingChild {
  const child = forkEntry('training-child', { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
  return {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    postMessage: (message) => {
      if (child.connected) child.send(message);
    },
    on: (event: 'message' | 'exit', listener: (...args: never[]) => void) => child.on(event, listener as (...args: unknown[]) => void),
  };
}

/** Appends the child's output and its story (start, failure, exit) to the run's log, and passes the output on to our stderr. */
function keepLog(child: TrainingChild, runDir: string): RunLog {
  mkdirSync(runDir, { recursive: true });
  const log = createWriteStream(join(runDir, TRAINING_LOG), { flags: 'a' });
  log.on('error', () => {}); // a log that cannot be written must not stop the training
  const streams = [child.stdout, child.stderr].filter((s): s is ChildOutput => !!s);
  const drained = Promise.all(streams.map((s) => new Promise<void>((resolve) => s.on('end', resolve))));
  for (const stream of streams) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      process.stderr.write(chunk);
    });
  }
  const note = (line: string) => void log.write(`[${new Date().toISOString()}] ${line}\n`);
  note(`training process ${child.pid ?? '?'} started`);
  return {
    note,
    close: async () => {
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

export function runTrainingChild(child: TrainingChild, config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void = () => {}): TrainingProcess {
  const log = keepLog(child, runDir);
  const done = new Promise<TrainResult>((resolve, reject) => {
    let result: TrainResult | null = null;
    let failure: string | null = null;
    child.on('message', (event) => {
      if (event.type === 'done') result = event.result;
      else if (event.type === 'error') failure = event.message;
      else if (event.type === 'restart') log.note(`restarted from fresh weights (seed ${event.restart.initSeed}) after epoch ${event.restart.atEpoch}: ${event.restart.reason}`);
      onEvent(event);
    });
    child.on('exit', async (code, signal) => {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const crash = `the training process stopped unexpectedly (${how}); the last checkpoint in ${runDir} lets the run resume`;
      log.note(result ? `${result.status} after ${result.epochs} epochs (${result.stopReason}); ${how}` : failure ? `failed: ${failure}; ${how}` : crash);
      if (!result && !failure) await markCrashed(runDir, child.pid, crash).catch((err: Error) => log.note(`could not mark ${RUN_FILE} crashed: ${err.message}`));
      await log.close();
      if (result) resolve(result);
      else reject(new Error(failure ?? crash));
    });
  });
  child.postMessage({ type: 'start', config, runDir });
  return { pid: child.pid ?? -1, cancel: () => child.postMessage({ type: 'cancel' }), done };
}

/**
 * A child that died mid-run leaves `run.json` saying "running" and its lock behind: the run is
 * marked crashed and the lock cleared — only when the lock names that child, so a child that
 * never got the folder (another process trains there) changes nothing.
 */
async function markCrashed(runDir: string, pid: number | undefined, why: string): Promise<void> {
  if (pid === undefined || (await lockFileOwner(runDir))?.pid !== pid) return;
  const path = join(runDir, RUN_FILE);
  const run = await readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as TrainResult,
    () => null,
  );
  if (run?.status === 'running') await writeFileAtomic(path, JSON.stringify({ ...run, status: 'crashed', error: why } satisfies TrainResult, null, 1));
  await rm(join(runDir, LOCK_FILE), { force: true });
}

export function startTrainingProcess(config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void = () => {}): TrainingProcess {
  return runTrainingChild(forkNodeChild(), config, runDir, onEvent);
}
