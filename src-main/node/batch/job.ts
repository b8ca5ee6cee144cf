/**
 * One recording of a batch as a job: what a worker needs to classify it (the same on a local
 * thread and on another machine through the queue), what it sends back, and the keys that make a
 * job the same job again — so a re-run skips what is done and a duplicate delivery is harmless.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DataError } from '../../core/eeg';
import type { TimelinePoint } from '../infer/classify';
import { fileSystemProblem } from '../formats/input-file';

/** What changes a recording's timeline besides the recording itself. */
export interface JobSettings {
  /** The model file's path, the same on every machine that serves the queue. */
  model: string;
  /** sha256 of the model's bytes (16 hex digits): a worker refuses a different file under that path. */
  fingerprint: string;
  preset?: string;
  strideSec: number;
  maxMissing: number;
}

export interface BatchJob extends JobSettings {
  /** The recording's absolute path. */
  path: string;
  /** Its path below the batch's root: where its results go below the results folder. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface BatchResult {
  durationSec: number;
  /** The recording as the worker read it: the key its result is kept under. */
  size: number;
  mtimeMs: number;
  /** Windows left out: by the NaN policy, or on a gap of an EDF+D without data records. */
  rejected: number;
  /** Electrodes the file lacked (filled flat). */
  missing: string[];
  timeline: TimelinePoint[];
  /** Who classified it, and how long it took. */
  worker: string;
  seconds: number;
}

/** A failure is permanent when the recording itself is at fault: trying again cannot help. */
export type JobOutcome = { ok: true; result: BatchResult } | { ok: false; error: string; permanent: boolean };

/** The settings a result must have been made with to count as done. */
export function sameSettings(a: Omit<JobSettings, 'model'>, b: Omit<JobSettings, 'model'>): boolean {
  return a.fingerprint === b.fingerprint && (a.preset ?? null) === (b.preset ?? null) && a.strideSec === b.strideSec && a.maxMissing === b.maxMissing;
}

/** The queue's id of a job: the same recording, unchanged, with the same model and settings, is the same job. */
export function jobId(job: BatchJob): string {
  const key = JSON.stringify([job.fingerprint, job.preset ?? null, job.strideSec, job.maxMissing, job.path, job.size, job.mtimeMs]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

export async function modelFingerprint(path: string): Promise<string> {
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new DataError(path, `cannot read the model: ${fileSystemProblem(err)}`);
  });
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
