/**
 * A batch before and while it runs, whoever classifies its recordings: the plan (every recording
 * found; those whose result is already there for this model, settings and unchanged file are
 * skipped) and the book of what became of each — results written as they come back, a failure
 * kept with its message — ending in summary.csv.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../core/eeg';
import { writeFileAtomic } from '../fs-atomic';
import { fileSystemProblem } from '../formats/input-file';
import { findRecordings, relativeTo } from './find-recordings';
import type { BatchJob, BatchResult, JobSettings } from './job';
import { finishedResult, writeResult } from './results';
import { byPath, doneRow, failedRow, type SummaryRow, summaryCsv } from './summary';

export interface BatchSetup {
  input: string;
  out: string;
  settings: JobSettings;
  /** A class counts in the summary where its probability is above this. */
  threshold: number;
}

export interface BatchPlan {
  root: string;
  /** Recordings to classify, in order. */
  jobs: BatchJob[];
  book: BatchBook;
}

/** Files are looked at this many at a time: an archive on a network share answers slowly, but in parallel. */
const STAT_CONCURRENCY = 64;

export async function planBatch(setup: BatchSetup): Promise<BatchPlan> {
  const { root, paths } = await findRecordings(setup.input);
  await mkdir(setup.out, { recursive: true }).catch((err: unknown) => {
    throw new DataError(setup.out, `cannot make the results folder: ${fileSystemProblem(err, 'folder')}`);
  });
  const book = new BatchBook(setup.out, setup.settings, setup.threshold, paths.length);
  const jobs: BatchJob[] = [];
  for (let i = 0; i < paths.length; i += STAT_CONCURRENCY) {
    const chunk = paths.slice(i, i + STAT_CONCURRENCY);
    const planned = await Promise.all(
      chunk.map(async (path) => {
        const rel = relativeTo(root, path);
        try {
          const { size, mtimeMs } = await stat(path);
          const finished = await finishedResult(setup.out, rel, { size, mtimeMs }, setup.settings);
          if (finished) book.skip(rel, finished.durationSec, finished.timeline);
          return finished ? null : { ...setup.settings, path, rel, size, mtimeMs };
        } catch (err) {
          book.failure(rel, `${path}: ${fileSystemProblem(err)}`);
          return null;
        }
      }),
    );
    for (const job of planned) if (job) jobs.push(job);
  }
  return { root, jobs, book };
}

export class BatchBook {
  private readonly rows = new Map<string, SummaryRow>();
  skipped = 0;
  done = 0;
  failed = 0;

  constructor(
    readonly out: string,
    readonly settings: JobSettings,
    readonly threshold: number,
    readonly total: number,
  ) {}

  get finished(): number {
    return this.skipped + this.done + this.failed;
  }

  skip(rel: string, durationSec: number, timeline: Parameters<typeof doneRow>[3]): void {
    this.rows.set(rel, doneRow(rel, this.settings.fingerprint, durationSec, timeline, this.settings.strideSec, this.threshold));
    this.skipped++;
  }

  /** Writes the recording's results; the same recording twice (a duplicate delivery) counts once. */
  async record(job: BatchJob, result: BatchResult): Promise<void> {
    await writeResult(this.out, job, result);
    this.count(this.rows.get(job.rel), +1, 0);
    this.rows.set(job.rel, doneRow(job.rel, job.fingerprint, result.durationSec, result.timeline, job.strideSec, this.threshold));
  }

  failure(rel: string, error: string): void {
    this.count(this.rows.get(rel), 0, +1);
    this.rows.set(rel, failedRow(rel, this.settings.fingerprint, error));
  }

  /** Every recording's row so far, in order of path: the skipped, the classified and the failed. */
  summaryRows(): SummaryRow[] {
    return [...this.rows.values()].sort(byPath);
  }

  failures(): SummaryRow[] {
    return [...this.rows.values()].filter((r) => r.status === 'failed');
  }

  async writeSummary(): Promise<string> {
    const path = join(this.out, 'summary.csv');
    await writeFileAtomic(path, summaryCsv([...this.rows.values()]));
    return path;
  }

  private count(before: SummaryRow | undefined, done: number, failed: number): void {
    if (before?.status === 'done') this.done--;
    if (before?.status === 'failed') this.failed--;
    this.done += done;
    this.failed += failed;
  }
}
