import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { runPool } from './pool';

// A fixture module from the sources, started through the same tsx bootstrap as the sources' entries.
const spawn = () => new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: { moduleUrl: new URL('./__fixtures__/test-worker.ts', import.meta.url).href } });
type Result = { doubled: number; threadId: number };

describe('worker pool', () => {
  it('runs TypeScript workers in parallel threads and answers every task', async () => {
    const answers = new Map<number, Result>();
    const started = await runPool<number, Result>({
      spawn,
      tasks: [1, 2, 3, 4, 5, 6],
      threads: 2,
      onResult: (n, reply) => {
        if (reply.ok) answers.set(n, reply.result);
      },
    });
    expect(started).toBe(6);
    expect([...answers.entries()].map(([n, r]) => [n, r.doubled]).sort((a, b) => a[0] - b[0])).toEqual([
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 8],
      [5, 10],
      [6, 12],
    ]);
    expect(new Set([...answers.values()].map((r) => r.threadId)).size).toBe(2);
  });

  it('reports a failing task and a dying thread without losing the other tasks', async () => {
    const errors: string[] = [];
    const ok: number[] = [];
    await runPool<number, Result>({
      spawn,
      tasks: [1, -2, 999, 4, 5],
      threads: 1,
      onResult: (n, reply) => {
        if (reply.ok) ok.push(n);
        else errors.push(`${n}: ${reply.error}`);
      },
    });
    expect(ok).toEqual([1, 4, 5]);
    expect(errors).toEqual(['-2: negative input -2', '999: worker exited with code 7']);
  });

  it('stops handing out tasks once aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const started = await runPool<number, Result>({
      spawn,
      tasks: [1, 2, 3, 4, 5, 6, 7, 8],
      threads: 1,
      signal: controller.signal,
      onResult: (n) => {
        seen.push(n);
        if (n === 3) controller.abort();
      },
    });
    expect(started).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });
});
