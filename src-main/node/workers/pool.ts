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

/** Runs every task unless aborted; resolves with the number of tasks that were started. */
export async function runPool<T, R>({ spawn, tasks, threads, signal, onResult }: PoolOptions<T, R>): Promise<number> {
  const count = Math.max(1, Math.min(threads ?? availableParallelism(), tasks.length));
  let next = 0;
  const lanes = Array.from({ length: count }, async () => {
    let worker = spawn();
    try {
      while (next < tasks.length && !signal?.aborted) {
        const task = tasks[next++];
        let died = false;
        const reply = await new Promise<Reply<R>>((resolve) => {
          let crash: Error | null = null;
          const onError = (err: Error) => (crash = err);
          const onMessage = (m: Reply<R>) => done(m);
          const onExit = (code: number) => {
            died = true;
            done({ ok: false, error: crash?.message ?? `worker exited with code ${code}` });
          };
          const done = (m: Reply<R>) => {
            worker.off('message', onMessage).off('exit', onExit).off('error', onError);
            resolve(m);
          };
          worker.on('message', onMessage).on('exit', onExit).on('error', onError);
          worker.postMessage(task);
        });
        // A task that kills its thread (e.g. out of memory) costs only that task.
        if (died) worker = spawn();
        await onResult(task, reply);
      }
    } finally {
      await worker.terminate();
    }
  });
  await Promise.all(lanes);
  return next;
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
