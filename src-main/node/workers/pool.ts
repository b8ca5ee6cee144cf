/**
 * A pool of worker threads, fed tasks one at a time so a slow file never holds up the queue. Each
 * thread runs a module that answers through `serveTasks`.
 */
import { availableParallelism } from 'node:os';
import { parentPort, type Worker } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';

type Reply<R> = { ok: true; result: R } | { ok: false; error: string };

export interface PoolOptions<T, R> {
  /** Starts one thread (its module must call `serveTasks`); again after a thread dies. */
  spawn: () => Worker;
  tasks: T[];
  threads?: number;
  signal?: AbortSignal;
  onResult: (task: T, reply: Reply<R>) => void | Promise<void>;
}

/**
 * Runs every task unless aborted; resolves with the number of tasks that were started, once every
 * result is handled. A thread gets its next task as soon as it answers, while `onResult` handles
 * the answer (it may write files): waiting for it left a thread idle a third of the time.
 */
export async function runPool<T, R>({ spawn, tasks, threads, signal, onResult }: PoolOptions<T, R>): Promise<number> {
  const count = Math.max(1, Math.min(threads ?? availableParallelism(), tasks.length));
  let next = 0;
  const lanes = Array.from({ length: count }, async () => {
    let worker = spawn();
    let handling: Promise<void> = Promise.resolve();
    try {
      while (next < tasks.length && !signal?.aborted) {
        const task = tasks[next++];
        const { reply, died } = await ask<T, R>(worker, task);
        // A task that kills its thread (e.g. out of memory) costs only that task.
        if (died) worker = spawn();
        await handling;
        handling = Promise.resolve(onResult(task, reply));
        // Its failure is thrown by the next `await handling`; until then it is not unhandled.
        handling.catch(() => undefined);
      }
      await handling;
    } finally {
      await worker.terminate();
    }
  });
  await Promise.all(lanes);
  return next;
}

/** Hands `task` to `worker` and waits for its answer, or for the thread to die. */
function ask<T, R>(worker: Worker, task: T): Promise<{ reply: Reply<R>; died: boolean }> {
  return new Promise((resolve) => {
    let crash: Error | null = null;
    const onError = (err: Error) => (crash = err);
    const onMessage = (m: Reply<R>) => done(m, false);
    const onExit = (code: number) => done({ ok: false, error: crash?.message ?? `worker exited with code ${code}` }, true);
    const done = (reply: Reply<R>, died: boolean) => {
      worker.off('message', onMessage).off('exit', onExit).off('error', onError);
      resolve({ reply, died });
    };
    worker.on('message', onMessage).on('exit', onExit).on('error', onError);
    worker.postMessage(task);
  });
}

/** Called by a worker module: answers each task with `handle`'s result or its error message. */
export function serveTasks<T, R>(handle: (task: T) => Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  port.on('message', async (task: T) => {
    try {
      port.postMessage({ ok: true, result: await handle(task) } satisfies Reply<R>);
    } catch (err) {
      port.postMessage({ ok: false, error: errorMessage(err) } satisfies Reply<R>);
    }
  });
}
