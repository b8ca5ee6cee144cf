/**
 * A batch on this machine: worker threads (one per core unless told), each taking the next
 * recording as it finishes the last, so a long file never holds up the rest. Every second the
 * status goes to the caller (the progress line) and to the results folder (`hms batch --status`).
 * Stopped (Ctrl-C), it finishes the recordings under way and keeps what is done.
 */
import type { BatchJob } from './job';
import type { BatchPlan } from './plan';
import { type BatchStatus, type WorkerStatus, writeLocalStatus } from './status';
import { ClassifierThreads } from './threads';

export interface LocalOptions {
  workers: number;
  /** Threads already started (a bench's, so their start-up is not timed), kept open; else started and closed here. */
  threads?: ClassifierThreads;
  signal?: AbortSignal;
  onStatus?: (status: BatchStatus) => void;
}

export async function runLocal(plan: BatchPlan, { workers, threads: given, signal, onStatus }: LocalOptions): Promise<BatchStatus> {
  const { book, jobs } = plan;
  const started = Date.now();
  const lanes = Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, (_, i) => idleLane(`thread ${i + 1}`, started));
  let next = 0;
  let failure: unknown = null;
  const report = async (state: BatchStatus['state']) => {
    const now = localStatus(plan, lanes, jobs.length - next, state);
    onStatus?.(now);
    await writeLocalStatus(book.out, now);
    return now;
  };
  await report('running');
  const threads = jobs.length ? (given ?? new ClassifierThreads(lanes.length)) : null;
  // A status that cannot be written costs only the status; the last one is awaited, so it cannot land after the final one.
  let reporting = Promise.resolve();
  const timer = setInterval(
    () =>
      (reporting = reporting
        .then(() => report('running'))
        .then(
          () => {},
          () => {},
        )),
    1000,
  );
  const lane = async (l: WorkerStatus) => {
    while (threads && next < jobs.length && !signal?.aborted && !failure) {
      const job: BatchJob = jobs[next++];
      l.running = 1;
      const outcome = await threads.run(job);
      l.running = 0;
      l.seen = Date.now();
      // A result that cannot be written is the results folder's trouble, not the recording's: the batch stops.
      if (outcome.ok)
        await book.record(job, outcome.result).then(
          () => l.done++,
          (err: unknown) => (failure ??= err),
        );
      else {
        book.failure(job.rel, outcome.error);
        l.failed++;
      }
    }
  };
  try {
    await Promise.all(lanes.map(lane));
  } finally {
    clearInterval(timer);
    await reporting;
    if (!given) await threads?.close();
  }
  if (failure) throw failure;
  return report(next < jobs.length ? 'stopped' : 'finished');
}

function localStatus({ book }: BatchPlan, lanes: WorkerStatus[], queued: number, state: BatchStatus['state']): BatchStatus {
  const now = Date.now();
  return {
    source: book.out,
    state,
    updated: now,
    total: book.total,
    skipped: book.skipped,
    queued,
    running: lanes.reduce((n, l) => n + l.running, 0),
    done: book.done,
    failed: book.failed,
    workers: lanes.map((l) => ({ ...l, seen: l.running ? now : l.seen })),
  };
}

function idleLane(name: string, started: number): WorkerStatus {
  return { name, concurrency: 1, running: 0, done: 0, failed: 0, started, seen: started };
}
