/**
 * The service's training calls: a run preprocesses its dataset (once, cached), then trains in a
 * process of its own. Each run is a job (see jobs.ts) that records what its events said — the
 * backend, the latest step, every finished epoch, the result — so a page that attaches later sees
 * the run as it stands; the live events go to the UI as before. One run per dataset and per run
 * folder at a time.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { trainingJobId, type ApiEmit, type ApiHandlers, type JobInfo, type TrainingJob, type TrainRequest } from '../../core/api';
import { errorMessage, InputError } from '../../core/errors';
import { MODELS } from '../../core/model-zoo';
import { DEFAULT_TRAIN_CONFIG, type EpochRecord, type TrainConfig, type TrainEvent } from '../../core/training';
import { buildCache } from '../cache/build';
import type { Jobs } from './jobs';
import { RUN_FILE } from '../train/run-folder';
import { startTrainingProcess, TRAINING_LOG, type TrainingProcess } from '../train/process';
import { regularFileSize } from '../formats/input-file';

type TrainingHandlers = Pick<ApiHandlers, 'startTraining' | 'cancelTraining' | 'readTrainingLog'>;

/** A log is shown from its end: the last 256 KiB say how the latest session went. */
const LOG_TAIL_BYTES = 256 << 10;

/** Starts a training process; Electron passes one that uses a utility process. */
export type TrainingLauncher = (config: TrainConfig, runDir: string, onEvent: (e: TrainEvent) => void) => TrainingProcess;

export function createTrainingHandlers(dataDir: string, emit: ApiEmit, jobs: Jobs, launch: TrainingLauncher = startTrainingProcess): TrainingHandlers {
  const cancels = new Map<string, { run: () => void }>();

  return {
    startTraining: async (request) => {
      if (!MODELS.some((m) => m.name === request.model)) throw new InputError(`unknown model "${request.model}"`, 'unknown-model');
      const dataset = resolve(request.dataset);
      const runDir = resolve(request.runDir ?? join(dataDir, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${request.model}`));
      // A run going on is said first: its folder may not hold run.json yet. Checked again after the
      // reads below, right before the job starts, so two requests at once cannot both start.
      refuseSecondRun(jobs, dataset, runDir);
      if (request.runDir) await refuseNonRunFolder(runDir);
      const history = request.runDir ? await earlierEpochs(runDir) : [];
      refuseSecondRun(jobs, dataset, runDir);
      const cacheDir = join(dataDir, 'caches', createHash('sha1').update(dataset).digest('hex').slice(0, 16));
      const config: TrainConfig = {
        ...DEFAULT_TRAIN_CONFIG,
        cacheDir,
        model: request.model,
        epochs: request.epochs,
        stages: request.stages,
        ...(request.minutes !== undefined ? { timeLimitSec: request.minutes * 60 } : {}),
      };
      const job = jobs.start(trainingJobId(runDir), 'training', { training: { runDir, dataset, request: { ...request, dataset }, config, history, restarts: [] } });
      const controller = new AbortController();
      const cancel = { run: () => controller.abort() };
      cancels.set(runDir, cancel);
      // The call answers at once; preprocessing and training report through events.
      void runJob({ job, request, cacheDir, config, emit, jobs, launch, signal: controller.signal, setCancel: (c) => (cancel.run = c) }).finally(() => {
        if (cancels.get(runDir) === cancel) cancels.delete(runDir);
      });
      return { runDir };
    },

    readTrainingLog: async ({ runDir }) => {
      const path = join(resolve(runDir), TRAINING_LOG);
      const size = await regularFileSize(path).catch(() => {
        throw new InputError(`${runDir} has no training log yet (${TRAINING_LOG} is written when its training process starts)`, 'ENOENT');
      });
      const handle = await open(path, 'r');
      try {
        const length = Math.min(size, LOG_TAIL_BYTES);
        const bytes = Buffer.alloc(length);
        await handle.read(bytes, 0, length, size - length);
        return { path, text: bytes.toString('utf8'), truncated: size > length };
      } finally {
        await handle.close();
      }
    },

    cancelTraining: async ({ runDir }) => {
      const cancel = cancels.get(resolve(runDir));
      if (!cancel) throw new InputError(`no training is running in ${runDir}`, 'not-running');
      cancel.run();
      return {};
    },
  };
}

/** A second run on the same data would preprocess into the same cache and fight for the cores: refused, saying which run holds them. */
/**
 * The path policy of a page: it may read what the user can read, but training writes only to a
 * new folder in the app's runs folder or to a run folder that already exists (to resume it) —
 * never to a folder a page names at will.
 */
async function refuseNonRunFolder(runDir: string): Promise<void> {
  const found = await stat(join(runDir, RUN_FILE)).catch(() => null);
  if (!found?.isFile())
    throw new InputError(
      `${runDir} is not a run folder (it holds no ${RUN_FILE}): a new run goes to the app's runs folder, an existing one is resumed from its folder`,
      'not-a-run-folder',
    );
}

function refuseSecondRun(jobs: Jobs, dataset: string, runDir: string): void {
  for (const { training } of jobs.running('training')) {
    if (training?.runDir === runDir) throw new InputError(`a training run is already going on in ${runDir}`, 'busy');
    if (training?.dataset === dataset) {
      throw new InputError(`a training run on ${dataset} is already going on (run folder ${training.runDir}): cancel it or wait for it to end before starting another`, 'busy');
    }
  }
}

/** A resumed run's finished epochs, from its run.json, so its curves start where they were. */
async function earlierEpochs(runDir: string): Promise<EpochRecord[]> {
  const run = await readFile(join(runDir, RUN_FILE), 'utf8').then(
    (t) => JSON.parse(t) as { history?: EpochRecord[] },
    () => null,
  );
  return Array.isArray(run?.history) ? run.history : [];
}

interface RunJob {
  job: JobInfo;
  request: TrainRequest;
  cacheDir: string;
  config: TrainConfig;
  emit: ApiEmit;
  jobs: Jobs;
  launch: TrainingLauncher;
  signal: AbortSignal;
  setCancel: (cancel: () => void) => void;
}

async function runJob({ job, request, cacheDir, config, emit, jobs, launch, signal, setCancel }: RunJob): Promise<void> {
  const training = job.training!;
  let reported = false;
  const send = (event: TrainEvent) => {
    record(training, event);
    // The run is over when it says so; its process may take a moment more to exit.
    if (event.type === 'done') jobs.finish(job, event.result.status === 'cancelled' ? 'cancelled' : 'finished');
    reported ||= event.type === 'error';
    emit('training', { runDir: training.runDir, event });
  };
  try {
    const built = await buildCache(request.dataset, cacheDir, {
      signal,
      onProgress: (p) => {
        const progress = { task: 'Preprocessing for training', done: p.done, total: p.total, unit: 'EEGs' };
        jobs.progress(job, progress);
        emit('progress', { ...progress, jobId: job.id });
      },
    });
    jobs.progress(job, undefined);
    if (!built.manifest) {
      jobs.finish(job, 'cancelled');
      send({ type: 'error', message: 'cancelled while preprocessing' });
      return;
    }
    const proc = launch(config, training.runDir, send);
    setCancel(() => proc.cancel());
    if (signal.aborted) proc.cancel();
    const result = await proc.done;
    jobs.finish(job, result.status === 'cancelled' ? 'cancelled' : 'finished');
  } catch (err) {
    const message = errorMessage(err);
    jobs.finish(job, 'failed', message);
    // Reported once: the child may have said it already.
    if (!reported) send({ type: 'error', message });
  }
}

/** What an event adds to the job, so that a page attaching later sees the same as one that watched. */
function record(training: TrainingJob, event: TrainEvent): void {
  if (event.type === 'started') training.started = event;
  else if (event.type === 'progress') training.progress = event;
  else if (event.type === 'epoch') training.history = [...training.history.filter((h) => h.epoch < event.record.epoch), event.record];
  else if (event.type === 'restart') training.restarts = [...training.restarts, event.restart];
  else if (event.type === 'done') training.result = event.result;
}
