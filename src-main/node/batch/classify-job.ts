/**
 * A batch worker thread's work: one recording into its timeline with the job's model. The model
 * stays open between jobs (an onnxruntime session with one thread: a batch runs one per core),
 * and is opened again when its file changes. Failures come back as outcomes, never as throws, so
 * the caller can tell a bad recording (parked at once) from a passing trouble (tried again).
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';
import { DataError } from '../../core/eeg';
import { fileSystemProblem } from '../formats/input-file';
import { checkFeedable } from '../infer/classify';
import { classifyFileTimeline } from '../infer/file-timeline';
import { OnnxClassifier } from '../onnx/classifier';
import { type BatchJob, type JobOutcome, modelFingerprint } from './job';

let open: { key: string; model: OnnxClassifier; fingerprint: string } | null = null;

async function modelFor(job: BatchJob): Promise<OnnxClassifier> {
  const file = await stat(job.model).catch((err: unknown) => {
    throw new Error(`${job.model}: cannot read the model on ${hostname()}: ${fileSystemProblem(err)}`);
  });
  const key = JSON.stringify([job.model, job.preset ?? null, file.size, file.mtimeMs]);
  if (open?.key !== key) {
    const previous = open;
    open = null;
    await previous?.model.close();
    const fingerprint = await modelFingerprint(job.model);
    const model = await OnnxClassifier.open(job.model, { preset: job.preset, threads: 1 });
    checkFeedable(model);
    open = { key, model, fingerprint };
  }
  // The same path can hold another file on another machine: its timelines would not be this batch's.
  if (open.fingerprint !== job.fingerprint) {
    throw new Error(`${job.model}: on ${hostname()} this is another model (fingerprint ${open.fingerprint}) than the batch's (${job.fingerprint})`);
  }
  return open.model;
}

export async function classifyJob(job: BatchJob): Promise<JobOutcome> {
  const started = performance.now();
  try {
    const model = await modelFor(job);
    // A recording that cannot be reached here may be reachable on another machine: not the file's fault.
    const source = await stat(job.path).catch((err: unknown) => {
      throw new Error(`${job.path}: cannot read it on ${hostname()}: ${fileSystemProblem(err)}`);
    });
    const timeline = await classifyFileTimeline(model, job.path, job.strideSec, { maxMissing: job.maxMissing });
    return {
      ok: true,
      result: {
        durationSec: timeline.durationSec,
        size: source.size,
        mtimeMs: source.mtimeMs,
        rejected: timeline.rejected + timeline.inGaps,
        missing: timeline.missing,
        timeline: timeline.points,
        worker: `${hostname()}:${process.pid}/${threadId}`,
        seconds: (performance.now() - started) / 1000,
      },
    };
  } catch (err) {
    const message = errorMessage(err);
    return { ok: false, error: message, permanent: err instanceof DataError && err.file === job.path };
  }
}
