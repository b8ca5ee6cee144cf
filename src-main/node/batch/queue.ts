/**
 * The batch queue on Redis, through BullMQ: the connection (a `redis://[:password@]host:port[/db]`
 * URL; `rediss://` for TLS), the queue's name, and the two hashes beside BullMQ's own keys where
 * workers and batches report how they stand, for `hms batch --status`.
 */
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { alive, type BatchStatus, WORKER_GONE_MS, type WorkerStatus } from './status';

export const QUEUE_NAME = 'hms-batch';
/** Hashes of JSON, one field per worker (its name) and per batch (host and results folder). */
export const WORKERS_KEY = `bull:${QUEUE_NAME}:hms-workers`;
export const BATCHES_KEY = `bull:${QUEUE_NAME}:hms-batches`;
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL as it may be printed: without its password. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function queueUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL: write redis://HOST:PORT (redis://:PASSWORD@HOST:PORT with a password)`;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `"${safeUrl(url)}" is not a Redis URL: it must start with redis:// (or rediss:// for TLS)`;
  if (!u.hostname) return `"${safeUrl(url)}" names no host`;
  return null;
}

/**
 * A connection that is up and answering, or an error in one line saying why not (refused,
 * wrong password). Once up it reconnects by itself after an outage, as BullMQ needs.
 */
export async function connectRedis(url: string, onTrouble: (message: string) => void = () => {}): Promise<Redis> {
  // A socket that failed never closes again: ioredis would wait its 2-s disconnectTimeout for it before the process can exit.
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    disconnectTimeout: 200,
    retryStrategy: (n) => Math.min(n * 250, 3000),
  });
  let last: Error | null = null;
  const onError = (err: Error) => (last = err);
  redis.on('error', onError);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    // ioredis rejects with "Connection is closed"; the reason came as an error event.
    const reason = (last ?? (err as Error)).message;
    throw new Error(`${safeUrl(url)}: cannot use Redis there (${reason})`, { cause: err });
  }
  redis.off('error', onError);
  redis.on('error', (err: Error) => onTrouble(`${safeUrl(url)}: ${err.message}; trying again`));
  return redis;
}

/** Says trouble (Redis going away and coming back) at most once a minute, not once per reconnection. */
export function throttled(say: (line: string) => void, ms = 60_000): (line: string) => void {
  let last = -Infinity;
  return (line) => {
    if (performance.now() - last < ms) return;
    last = performance.now();
    say(line);
  };
}

export async function readJson<T>(redis: Redis, key: string): Promise<T[]> {
  const fields = await redis.hgetall(key);
  return Object.values(fields).flatMap((v) => {
    try {
      return [JSON.parse(v) as T];
    } catch {
      return [];
    }
  });
}

/** The queue as a whole: every batch it holds, and its workers. Workers gone for long are forgotten. */
export async function queueStatus(url: string): Promise<{ queue: BatchStatus; batches: BatchStatus[] }> {
  const redis = await connectRedis(url);
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  try {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
    const now = Date.now();
    const workers = (await readJson<WorkerStatus>(redis, WORKERS_KEY)).sort((a, b) => a.name.localeCompare(b.name));
    const forgotten = workers.filter((w) => now - w.seen > 100 * WORKER_GONE_MS).map((w) => w.name);
    if (forgotten.length) await redis.hdel(WORKERS_KEY, ...forgotten);
    const batches = (await readJson<BatchStatus>(redis, BATCHES_KEY)).sort((a, b) => b.updated - a.updated);
    const collected = batches.reduce((n, b) => n + b.done, 0);
    return {
      queue: {
        source: `queue ${QUEUE_NAME} on ${safeUrl(url)}`,
        state: workers.some((w) => alive(w, now)) ? 'running' : 'stopped',
        updated: now,
        queued: counts.waiting + counts.delayed + counts.prioritized + counts['waiting-children'],
        running: counts.active,
        // Done: results collected by their batch, and those still waiting in the queue for it.
        done: collected + counts.completed,
        failed: counts.failed,
        workers: workers.filter((w) => !forgotten.includes(w.name)),
      },
      batches,
    };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
