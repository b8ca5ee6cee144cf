/**
 * A batch through the queue: its recordings become BullMQ jobs that `hms worker` processes take,
 * on any number of machines; their timelines come back through the queue, and this process
 * writes them to the results folder (so only the model and the recordings need be on shared
 * storage). A job's id is its recording, unchanged, with this model and settings: a batch run
 * again after a stop adds nothing twice, collects what finished while it was away, and tries
 * again what was parked. BullMQ retries a failure with backoff; a bad recording is parked at once.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { type BatchJob, type BatchResult, jobId } from './job';
import type { BatchPlan } from './plan';
import { BATCHES_KEY, connectRedis, QUEUE_NAME, readJson, safeUrl, throttled, WORKERS_KEY } from './queue';
import type { BatchStatus, WorkerStatus } from './status';

export interface QueueBatchOptions {
  url: string;
  /** Tries per recording before it is parked (a bad recording is parked at the first). */
  attempts: number;
  /** The first retry's delay; each next one doubles it. */
  backoffMs: number;
  signal?: AbortSignal;
  onStatus?: (status: BatchStatus) => void;
  /** Told of trouble with Redis (it is retried): a line to show. */
  onTrouble?: (line: string) => void;
}

/** Every job is looked at again this often, in case the queue's events were missed (they are trimmed). */
const SWEEP_MS = 15_000;
const CHUNK = 500;

export async function runOnQueue(plan: BatchPlan, options: QueueBatchOptions): Promise<BatchStatus> {
  const trouble = throttled(options.onTrouble ?? (() => {}));
  const redis = await connectRedis(options.url, trouble);
  const queue = new Queue<BatchJob, BatchResult>(QUEUE_NAME, { connection: redis });
  const listening = redis.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection: listening });
  const onError = (err: Error) => trouble(`${safeUrl(options.url)}: ${err.message}; trying again`);
  queue.on('error', onError);
  events.on('error', onError);
  const c: Collecting = { queue, plan, pending: new Map(plan.jobs.map((j) => [jobId(j), j])), options, started: Date.now() };
  const due = new Set<string>();
  const alarm = new Alarm();
  const onEvent = ({ jobId: id }: { jobId: string }) => {
    if (!c.pending.has(id)) return;
    due.add(id);
    alarm.ring();
  };
  events.on('completed', onEvent).on('failed', onEvent);
  options.signal?.addEventListener('abort', () => alarm.ring(), { once: true });
  const report = reporter(c, redis);
  try {
    await events.waitUntilReady();
    await enqueue(queue, [...c.pending], options);
    await collect(c, [...c.pending.keys()]);
    await report('running');
    let swept = Date.now();
    while (c.pending.size > 0 && !options.signal?.aborted) {
      await alarm.wait(1000);
      const sweep = Date.now() - swept > SWEEP_MS;
      const ids = sweep ? [...c.pending.keys()] : [...due];
      due.clear();
      if (sweep) swept = Date.now();
      await collect(c, ids);
      await report('running');
    }
    return await report(c.pending.size > 0 ? 'stopped' : 'finished');
  } finally {
    await events.close();
    await queue.close();
    listening.disconnect();
    redis.disconnect();
  }
}

/** A wait that an event cuts short. */
class Alarm {
  private cut = () => {};

  wait(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(done, ms);
      this.cut = () => (clearTimeout(timer), done());
    });
  }

  ring(): void {
    this.cut();
  }
}

/** The batch's status, told to the caller and kept in Redis for `hms batch --status`. */
function reporter(c: Collecting, redis: Redis): (state: BatchStatus['state']) => Promise<BatchStatus> {
  const field = `${hostname()}:${resolve(c.plan.book.out)}`;
  return async (state) => {
    const { book } = c.plan;
    const running = (await c.queue.getJobCounts('active')).active;
    const status: BatchStatus = {
      source: `${book.out} on ${safeUrl(c.options.url)}`,
      state,
      updated: Date.now(),
      total: book.total,
      skipped: book.skipped,
      queued: Math.max(0, c.pending.size - running),
      running,
      done: book.done,
      failed: book.failed,
      workers: await readJson<WorkerStatus>(redis, WORKERS_KEY),
    };
    c.options.onStatus?.(status);
    await redis.hset(BATCHES_KEY, field, JSON.stringify(status));
    return status;
  };
}

async function enqueue(queue: Queue<BatchJob, BatchResult>, jobs: [string, BatchJob][], options: QueueBatchOptions): Promise<void> {
  for (let i = 0; i < jobs.length; i += CHUNK) {
    await queue.addBulk(
      jobs.slice(i, i + CHUNK).map(([id, data]) => ({
        name: 'classify',
        data,
        // Kept when finished: a completed job holds its result until this batch has written it.
        opts: { jobId: id, attempts: options.attempts, backoff: { type: 'exponential', delay: options.backoffMs }, removeOnComplete: false, removeOnFail: false },
      })),
    );
  }
}

interface Collecting {
  queue: Queue<BatchJob, BatchResult>;
  plan: BatchPlan;
  pending: Map<string, BatchJob>;
  options: QueueBatchOptions;
  started: number;
}

/** Writes the results of the finished jobs among `ids` and takes them off the queue; keeps the parked ones' errors. */
async function collect(c: Collecting, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await Promise.all(
      ids.slice(i, i + CHUNK).map(async (id) => {
        const job = c.pending.get(id);
        if (!job) return;
        const state = await c.queue.getJobState(id);
        const queued = state === 'completed' || state === 'failed' ? await c.queue.getJob(id) : undefined;
        if (state === 'unknown') {
          // Taken off the queue by someone else (another batch into the same folder, which wrote it): added back.
          await enqueue(c.queue, [[id, job]], c.options);
        } else if (queued && state === 'completed') {
          await c.plan.book.record(job, queued.returnvalue);
          await queued.remove();
          c.pending.delete(id);
        } else if (queued && state === 'failed') await settleFailed(c, queued, job);
      }),
    );
  }
}

async function settleFailed(c: Collecting, queued: Job<BatchJob, BatchResult>, job: BatchJob): Promise<void> {
  // Parked by an earlier run of the batch: this run tries it again, as a local batch would.
  if ((queued.finishedOn ?? 0) < c.started) {
    await queued.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return;
  }
  c.plan.book.failure(job.rel, queued.failedReason || 'failed without a reason');
  c.pending.delete(queued.id!);
}
