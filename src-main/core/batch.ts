/**
 * What a batch of recordings is made of, wherever it is read: where it stands (the status
 * `hms batch --status` prints and the app's Batch view shows), how fast it goes and how long it
 * has left, and a summary row per recording. The batch itself runs in node/batch/.
 */
import type { ClassName } from './eeg';

export interface WorkerStatus {
  name: string;
  concurrency: number;
  running: number;
  done: number;
  failed: number;
  /** Epoch ms: when it started, and when it last reported. */
  started: number;
  seen: number;
}

export interface BatchStatus {
  /** What the status is of: a results folder, or a queue. */
  source: string;
  state: 'running' | 'finished' | 'stopped';
  updated: number;
  /** Recordings of the batch; a queue serving many batches has none. */
  total?: number;
  /** Already done when the batch started (results kept from an earlier run). */
  skipped?: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  workers: WorkerStatus[];
}

/** summary.csv's row of one recording: its length and windows, for each class the share of windows above the threshold and the longest run of them, or why it failed. */
export interface SummaryRow {
  /** The recording's path below the batch's root. */
  path: string;
  status: 'done' | 'failed';
  fingerprint: string;
  durationSec?: number;
  windows?: number;
  share?: Record<ClassName, number>;
  longestSec?: Record<ClassName, number>;
  error?: string;
}

export interface BatchRequest {
  /** A folder of recordings (searched below) or a .txt list of them, one a line. */
  input: string;
  /** An .onnx file. */
  modelPath: string;
  /** A new folder below the app's batches folder, or one an earlier batch wrote (to go on); a new one in the batches folder when absent. */
  out?: string;
  /** Seconds between windows (10 unless given). */
  strideSec?: number;
  /** A class counts in the summary where its probability is above this (0.5 unless given). */
  threshold?: number;
  /** Worker threads (one per core unless given). */
  workers?: number;
}

export interface BatchJob {
  /** The results folder, resolved. */
  out: string;
  /** The request, its paths resolved. */
  request: BatchRequest & { out: string };
  /** The folder the recordings' paths are below (known once the recordings are found). */
  root?: string;
  /** The model's window, s: a timeline point stands for startSec … startSec + windowSec. */
  windowSec: number;
  status?: BatchStatus;
}

/** One recording's timeline from a batch. */
export interface BatchTimeline {
  /** The recording's absolute path. */
  recording: string;
  durationSec: number;
  windowSec: number;
  strideSec: number;
  /** Where each window starts and the six probabilities (CLASSES order). */
  windows: { startSec: number; probabilities: number[] }[];
}

/** A worker that has not reported for this long is taken to be gone. */
export const WORKER_GONE_MS = 30_000;

export function alive(w: WorkerStatus, now: number): boolean {
  return now - w.seen < WORKER_GONE_MS;
}

/** Recordings a second over the worker's life so far, failures included: they take a turn too. */
export function workerRate(w: WorkerStatus): number {
  const sec = (w.seen - w.started) / 1000;
  return sec > 0 ? (w.done + w.failed) / sec : 0;
}

/** The batch's throughput (the sum of the live workers' own rates) and the seconds left at that pace: Infinity while nothing has been measured. */
export function batchPace(s: BatchStatus, now: number): { perSec: number; etaSec: number } {
  const perSec = s.workers.filter((w) => alive(w, now)).reduce((sum, w) => sum + workerRate(w), 0);
  const left = s.queued + s.running;
  return { perSec, etaSec: left === 0 ? 0 : perSec > 0 ? left / perSec : Infinity };
}
