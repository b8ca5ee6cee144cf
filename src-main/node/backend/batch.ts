/**
 * The service's batch calls: a batch on this machine's cores (batch/plan.ts, batch/local.ts) as a
 * job. The start call answers once the model is checked and the recordings are found, so a wrong
 * folder or model is said at once; the batch then runs on worker threads, its status kept in the
 * job and sent as `batch` events every second, so a page that attaches later sees it as it stands.
 * Results are written only below the app's batches folder or into a folder an earlier batch wrote.
 */
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { batchJobId, type ApiEmit, type ApiHandlers, type BatchTimeline, type JobInfo } from '../../core/api';
import { errorMessage, InputError } from '../../core/errors';
import { CLASSES } from '../../core/eeg';
import { DEFAULT_MAX_MISSING } from '../../core/quality';
import { runLocal } from '../batch/local';
import { type BatchBook, type BatchPlan, planBatch } from '../batch/plan';
import { type ResultFile, resultPaths } from '../batch/results';
import { batchSettings } from '../batch/settings';
import { readLocalStatus, STATUS_FILE } from '../batch/status';
import type { Jobs } from './jobs';

type BatchHandlers = Pick<ApiHandlers, 'startBatch' | 'stopBatch' | 'batchStatus' | 'batchResults' | 'readBatchTimeline'>;

/** A batch this backend started: its job, its book of rows (once its recordings are found) and its stop. */
interface Held {
  job: JobInfo;
  book?: BatchBook;
  stop: AbortController;
}

export function createBatchHandlers(dataDir: string, emit: ApiEmit, jobs: Jobs): BatchHandlers {
  const batches = resolve(dataDir, 'batches');
  const held = new Map<string, Held>();
  const heldFor = (out: string): Held => {
    const h = held.get(resolve(out));
    if (!h) throw new InputError(`${out}: no batch of this app has run into this folder since it started`, 'not-found');
    return h;
  };

  return {
    startBatch: async (request) => {
      const out = await resultsFolder(batches, request.out);
      const modelPath = resolve(request.modelPath);
      const input = resolve(request.input);
      refuseSecond(held, out);
      const { settings, info } = await batchSettings(modelPath, { strideSec: request.strideSec ?? 10, maxMissing: DEFAULT_MAX_MISSING });
      refuseSecond(held, out);
      const job = jobs.start(batchJobId(out), 'batch', { batch: { out, request: { ...request, input, modelPath, out }, windowSec: info.windowSamples / info.sampleRateHz } });
      const entry: Held = { job, stop: new AbortController() };
      forgetUnlisted(held, jobs);
      held.set(out, entry);
      let plan: BatchPlan;
      try {
        plan = await planBatch({ input, out, settings, threshold: request.threshold ?? 0.5 });
      } catch (err) {
        jobs.finish(job, 'failed', errorMessage(err));
        throw err;
      }
      job.batch!.root = plan.root;
      entry.book = plan.book;
      // The call answers now; the batch reports through events and the job.
      void runBatch(entry, plan, request.workers ?? availableParallelism(), emit, jobs);
      return { out };
    },

    stopBatch: async ({ out }) => {
      const h = heldFor(out);
      if (h.job.state !== 'running') throw new InputError(`no batch is running into ${out}`, 'not-running');
      h.stop.abort();
      return {};
    },

    // A batch the CLI runs or ran into the folder has its status there.
    batchStatus: async ({ out }) => held.get(resolve(out))?.job.batch?.status ?? readLocalStatus(resolve(out)),

    batchResults: async ({ out }) => heldFor(out).book?.summaryRows() ?? [],

    readBatchTimeline: async ({ out, recording }) => readTimeline(heldFor(out), recording),
  };
}

/**
 * The path policy of a page: it may read what the user can read, but a batch writes only to a
 * folder below the app's batches folder, or to one a batch wrote before (to go on with it) —
 * never to a folder a page names at will.
 */
async function resultsFolder(batches: string, out: string | undefined): Promise<string> {
  if (out === undefined) return join(batches, new Date().toISOString().replace(/[:.]/g, '-'));
  const dir = resolve(out);
  if (dir.startsWith(batches + sep)) return dir;
  const written = await stat(join(dir, STATUS_FILE)).catch(() => null);
  if (written?.isFile()) return dir;
  throw new InputError(
    `${out} is not a results folder (it holds no ${STATUS_FILE}): a new batch writes below the app's batches folder (${batches}), an earlier batch's folder can be used again`,
    'not-a-results-folder',
  );
}

function refuseSecond(held: Map<string, Held>, out: string): void {
  if (held.get(out)?.job.state === 'running') throw new InputError(`a batch is already running into ${out}: stop it or wait for it to end`, 'busy');
}

/** Batches whose job the job list no longer keeps are forgotten too. */
function forgetUnlisted(held: Map<string, Held>, jobs: Jobs): void {
  const listed = new Set(jobs.list().map((j) => j.id));
  for (const [out, h] of held) if (!listed.has(h.job.id)) held.delete(out);
}

async function runBatch(entry: Held, plan: BatchPlan, workers: number, emit: ApiEmit, jobs: Jobs): Promise<void> {
  const { job } = entry;
  const batch = job.batch!;
  const send = () => emit('batch', { out: batch.out, state: job.state, ...(batch.status ? { status: batch.status } : {}), ...(job.error ? { error: job.error } : {}) });
  try {
    const final = await runLocal(plan, {
      workers,
      signal: entry.stop.signal,
      onStatus: (status) => {
        batch.status = status;
        send();
      },
    });
    await plan.book.writeSummary();
    jobs.finish(job, final.state === 'stopped' ? 'cancelled' : 'finished');
  } catch (err) {
    // A results folder that cannot be written stops the batch: said in the job and the last event.
    jobs.finish(job, 'failed', errorMessage(err));
  }
  send();
}

async function readTimeline({ job, book }: Held, recording: string): Promise<BatchTimeline> {
  const batch = job.batch!;
  const row = book?.summaryRows().find((r) => r.path === recording);
  if (!row || !batch.root) throw new InputError(`${recording}: not a recording of the batch into ${batch.out}`, 'not-found');
  if (row.status === 'failed') throw new InputError(`${recording} has no timeline: ${row.error}`, 'no-timeline');
  const path = resultPaths(batch.out, recording).json;
  const file = await readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as ResultFile,
    () => {
      throw new InputError(`${path}: the timeline cannot be read (was the results folder changed?)`, 'unreadable');
    },
  );
  return {
    recording: join(batch.root, ...recording.split('/')),
    durationSec: file.durationSec,
    windowSec: batch.windowSec,
    strideSec: file.settings.strideSec,
    windows: file.timeline.map((p) => ({ startSec: p.startSec, probabilities: CLASSES.map((c) => p.probabilities[c]) })),
  };
}
