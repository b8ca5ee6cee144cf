/**
 * `hms worker`'s work: takes batch jobs from the queue, `concurrency` at a time, each on a worker
 * thread of its own (threads.ts), and returns each timeline through the queue. BullMQ holds a
 * lock on a job while it runs, renewed from this process's event loop (free: the work is on the
 * threads); a worker killed mid-job stops renewing it, and another worker's stalled-job check
 * puts the job back in the queue. Every few seconds, and after each job, it reports how it
 * stands for `hms batch --status`. Stopped, it finishes the jobs under way first.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { BatchJob, BatchResult } from './job';
import { connectRedis, QUEUE_NAME, safeUrl, throttled, WORKERS_KEY } from './queue';
import type { WorkerStatus } from './status';
import { ClassifierThreads } from './threads';

export interface ServeOptions {
  url: string;
  concurrency: number;
  /** How the worker is known in the queue and in `hms batch --status` (host:pid unless given). */
  name?: string;
  /** How long a job's lock lasts unrenewed, and how often stalled jobs are looked for (BullMQ: 30 s). */
  lockMs?: number;
  /** Threads already started (a bench's), `concurrency` of them, kept open; else started and closed here. */
  threads?: ClassifierThreads;
  signal: AbortSignal;
  /** A line per job, and trouble with Redis. */
  log: (line: string) => void;
}

const REPORT_MS = 5000;
/** A job that stalls this often (its workers killed each time) is parked rather than crash more machines. */
const MAX_STALLS = 2;

export async function serveQueue(options: ServeOptions): Promise<WorkerStatus> {
  const trouble = throttled(options.log);
  const redis = await connectRedis(options.url, trouble);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const now = Date.now();
  const me: WorkerStatus = { name, concurrency: options.concurrency, running: 0, done: 0, failed: 0, started: now, seen: now };
  const threads = options.threads ?? new ClassifierThreads(options.concurrency);
  const lockMs = options.lockMs ?? 30_000;
  const report = () => {
    me.seen = Date.now();
    return redis.hset(WORKERS_KEY, name, JSON.stringify(me)).catch(() => {});
  };
  const worker = new Worker<BatchJob, BatchResult>(
    QUEUE_NAME,
    async (job) => {
      me.running++;
      void report();
      try {
        const outcome = await threads.run(job.data);
        if (outcome.ok) return outcome.result;
        // A bad recording fails the same way every time: parked at once, its message kept.
        throw outcome.permanent ? new UnrecoverableError(outcome.error) : new Error(outcome.error);
      } finally {
        me.running--;
      }
    },
    { connection: redis, concurrency: options.concurrency, name, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: MAX_STALLS },
  );
  worker.on('error', (err) => trouble(`${safeUrl(options.url)}: ${err.message}; trying again`));
  worker.on('completed', (job, result) => {
    me.done++;
    options.log(`${job.data.rel}: ${result.timeline.length} windows in ${result.seconds.toFixed(1)} s`);
    void report();
  });
  worker.on('failed', (job, err) => {
    me.failed++;
    const again = job && err.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1);
    options.log(`${job?.data.rel ?? 'a job'}: failed: ${err.message}${again ? ' (to be tried again)' : ''}`);
    void report();
  });
  const timer = setInterval(() => void report(), REPORT_MS);
  try {
    await worker.waitUntilReady();
    await report();
    options.log(`worker ${name}: taking jobs from ${safeUrl(options.url)}, ${options.concurrency} at a time`);
    await new Promise<void>((done) => (options.signal.aborted ? done() : options.signal.addEventListener('abort', () => done(), { once: true })));
  } finally {
    clearInterval(timer);
    // Closing waits for the jobs under way: their results go back before the threads stop.
    await worker.close();
    if (!options.threads) await threads.close();
    await redis.hdel(WORKERS_KEY, name).catch(() => {});
    redis.disconnect();
  }
  return me;
}
