/**
 * Where a batch stands, as `hms batch --status` prints it: recordings queued, running, done and
 * failed, throughput and time left, and the same per worker. A local batch keeps it in its
 * results folder (`.batch-status.json`, rewritten every second); a queue keeps it in Redis
 * (queue-status.ts). Throughput is the sum of the live workers' own rates.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../core/eeg';
import { alive, batchPace, type BatchStatus, WORKER_GONE_MS, workerRate } from '../../core/batch';
import { writeFileAtomic } from '../fs-atomic';
import { formatDuration } from '../cli/progress';

export { alive, WORKER_GONE_MS, type BatchStatus, type WorkerStatus } from '../../core/batch';
export const STATUS_FILE = '.batch-status.json';

export function formatStatus(s: BatchStatus, now = Date.now()): string[] {
  const { perSec, etaSec } = batchPace(s, now);
  const eta = formatDuration(etaSec);
  const ago = formatDuration((now - s.updated) / 1000);
  const state = s.state === 'running' && now - s.updated > WORKER_GONE_MS ? `not running (last report ${ago} ago)` : `${s.state}, reported ${ago} ago`;
  const of = s.total === undefined ? '' : ` of ${s.total}${s.skipped ? ` (${s.skipped} done before)` : ''}`;
  const lines = [`${s.source}: ${state}`, `  queued ${s.queued}  running ${s.running}  done ${s.done}  failed ${s.failed}${of}`, `  ${perSec.toFixed(2)} recordings/s  ETA ${eta}`];
  if (s.workers.length === 0) return [...lines, '  no workers'];
  const width = Math.max(6, ...s.workers.map((w) => w.name.length));
  lines.push(`  ${'worker'.padEnd(width)}  running  done  failed  recordings/s  last report`);
  for (const w of s.workers) {
    const seen = alive(w, now) ? `${formatDuration((now - w.seen) / 1000)} ago` : `gone (${formatDuration((now - w.seen) / 1000)} ago)`;
    lines.push(
      `  ${w.name.padEnd(width)}  ${`${w.running}/${w.concurrency}`.padStart(7)}  ${String(w.done).padStart(4)}  ${String(w.failed).padStart(6)}  ${workerRate(w).toFixed(2).padStart(12)}  ${seen}`,
    );
  }
  return lines;
}

export async function writeLocalStatus(out: string, status: BatchStatus): Promise<void> {
  await writeFileAtomic(join(out, STATUS_FILE), JSON.stringify(status));
}

export async function readLocalStatus(out: string): Promise<BatchStatus> {
  const path = join(out, STATUS_FILE);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new DataError(out, 'no batch has run into this results folder (it has no .batch-status.json)');
  });
  try {
    return JSON.parse(text) as BatchStatus;
  } catch {
    throw new DataError(path, 'damaged: not JSON (it is rewritten by the next batch)');
  }
}
