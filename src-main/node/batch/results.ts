/**
 * A recording's results in the results folder: `<rel>.timeline.csv` and `<rel>.timeline.json`,
 * each written temp-then-rename, the JSON last: it says what the timeline was made from (the
 * recording's size and time, the model's fingerprint, the settings), so it is the mark that the
 * recording is done. Written twice (a job delivered twice), they are the same files.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { timelineCsv, type TimelinePoint } from '../infer/classify';
import { writeFileAtomic } from '../fs-atomic';
import { type BatchJob, type BatchResult, type JobSettings, sameSettings } from './job';

export interface ResultFile {
  recording: string;
  source: { size: number; mtimeMs: number };
  model: { file: string; fingerprint: string };
  settings: { preset: string | null; strideSec: number; maxMissing: number };
  durationSec: number;
  windows: number;
  rejected: number;
  missing: string[];
  worker: string;
  timeline: TimelinePoint[];
}

export function resultPaths(out: string, rel: string): { csv: string; json: string } {
  const base = join(out, ...rel.split('/'));
  return { csv: `${base}.timeline.csv`, json: `${base}.timeline.json` };
}

export async function writeResult(out: string, job: BatchJob, result: BatchResult): Promise<ResultFile> {
  const paths = resultPaths(out, job.rel);
  await mkdir(dirname(paths.json), { recursive: true });
  const file: ResultFile = {
    recording: job.rel,
    source: { size: result.size, mtimeMs: result.mtimeMs },
    model: { file: basename(job.model), fingerprint: job.fingerprint },
    settings: { preset: job.preset ?? null, strideSec: job.strideSec, maxMissing: job.maxMissing },
    durationSec: result.durationSec,
    windows: result.timeline.length,
    rejected: result.rejected,
    missing: result.missing,
    worker: result.worker,
    timeline: result.timeline,
  };
  await writeFileAtomic(paths.csv, timelineCsv(result.timeline));
  await writeFileAtomic(paths.json, JSON.stringify(file));
  return file;
}

/** The result already made for this recording as it is now, with these settings; null when there is none (or it is stale, or damaged). */
export async function finishedResult(out: string, rel: string, source: { size: number; mtimeMs: number }, settings: JobSettings): Promise<ResultFile | null> {
  let file: ResultFile;
  try {
    file = JSON.parse(await readFile(resultPaths(out, rel).json, 'utf8')) as ResultFile;
  } catch {
    return null;
  }
  const made = { fingerprint: file.model?.fingerprint, preset: file.settings?.preset ?? undefined, strideSec: file.settings?.strideSec, maxMissing: file.settings?.maxMissing };
  const fresh = file.source?.size === source.size && file.source?.mtimeMs === source.mtimeMs && sameSettings(made, settings);
  return fresh && Array.isArray(file.timeline) ? file : null;
}
