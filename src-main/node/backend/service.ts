/** The backend behind every door (Electron IPC, the web host): one handler per API call. */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_JOB, type ApiEmit, type ApiFailure, type ApiHandlers, type ApiReply, type DatasetRecording, type FolderInspection, type RecordingInfo } from '../../core/api';
import { API_VALIDATORS, isApiName } from '../../core/api-validators';
import { labelledWindows, windowsByEeg } from '../../core/dataset';
import { APP_VERSION } from '../app-version';
import { errorMessage, InputError } from '../../core/errors';
import { CLASSES, DataError } from '../../core/eeg';
import { readSidecarEvents, writeSidecarEvents } from '../formats/annotation-files';
import { annotatedCopyPath, writeAnnotatedEdfCopy } from '../formats/edf-annotated-copy';
import { eegPath, openHmsFolder } from '../formats/hms-folder';
import { generateDataset } from '../generate/dataset';
import { inspectFolder, inspectPath } from '../inspect';
import { RecordingPages } from './recording-pages';
import { Jobs } from './jobs';
import { createBatchHandlers } from './batch';
import { createModelHandlers } from './models';
import { createSettingsHandlers } from './settings';
import { createTrainingHandlers, type TrainingLauncher } from './training';

export interface ServiceOptions {
  /** Where the app keeps what it makes (the built-in dataset); ~/.hms-studio unless given. */
  dataDir?: string;
  emit?: ApiEmit;
  /** How training processes start (Electron: a utility process); a forked Node process unless given. */
  launchTraining?: TrainingLauncher;
}

export function createService({ dataDir = join(homedir(), '.hms-studio'), emit = () => {}, launchTraining }: ServiceOptions = {}): ApiHandlers {
  const pages = new RecordingPages();
  const jobs = new Jobs();
  let builtIn: Promise<FolderInspection> | null = null;
  return {
    appInfo: async () => ({ name: 'HMS Studio', version: APP_VERSION, platform: `${process.platform}-${process.arch}` }),
    inspect: async ({ path }) => inspectPath(path),
    openRecording: async ({ path }) => withEventFiles(await pages.info(path)),
    readPage: async (request) => pages.page(request),
    readSpectrogram: async ({ path }) => pages.spectrogram(path),
    saveAnnotations: async ({ path, annotations }) => {
      await pages.info(path);
      return { file: await writeSidecarEvents(path, annotations) };
    },
    saveAnnotatedCopy: async ({ path, annotations }) => {
      const info = await pages.info(path);
      if (!/^(edf|bdf)/.test(info.format))
        throw new DataError(path, `an EDF+ copy is made of EDF or BDF recordings; this one is ${info.format}: save its events beside it instead`);
      const own = info.annotations.map(({ onsetSec, durationSec, text }) => ({ onsetSec, durationSec, text }));
      const file = annotatedCopyPath(path);
      await writeAnnotatedEdfCopy(
        path,
        file,
        [...own, ...annotations].sort((a, b) => a.onsetSec - b.onsetSec),
      );
      return { file };
    },
    listRecordings: async ({ path }) => listRecordings(path),
    openBuiltInDataset: () => {
      builtIn ??= ensureBuiltIn(join(dataDir, 'built-in'), emit, jobs).finally(() => (builtIn = null));
      return builtIn;
    },
    listJobs: async () => jobs.list(),
    ...createModelHandlers(),
    ...createSettingsHandlers(dataDir),
    ...createTrainingHandlers(dataDir, emit, jobs, launchTraining),
    ...createBatchHandlers(dataDir, emit, jobs),
  };
}

async function listRecordings(path: string): Promise<DatasetRecording[]> {
  const folder = await openHmsFolder(path);
  return [...windowsByEeg(labelledWindows(folder.train ?? []))].map(([eegId, windows]) => {
    const counts = CLASSES.map((c) => windows.filter((w) => w.consensus === c).length);
    return {
      eegId,
      path: eegPath(folder, 'train', eegId),
      patientId: windows[0].patientId,
      windows: windows.length,
      consensus: CLASSES[counts.indexOf(Math.max(...counts))],
      maxRaters: Math.max(...windows.map((w) => w.totalVotes)),
      labels: windows.map((w) => ({ offsetSec: w.offsetSec, votes: w.votes })),
    };
  });
}

/** Made once, into a temporary folder renamed into place, so a half-made dataset is never opened. */
async function ensureBuiltIn(dir: string, emit: ApiEmit, jobs: Jobs): Promise<FolderInspection> {
  if (!(await stat(join(dir, 'summary.json')).catch(() => null))) {
    const partial = `${dir}.partial-${process.pid}`;
    const job = jobs.start(BUILT_IN_JOB, 'generate');
    try {
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true });
      await generateDataset({
        out: partial,
        onProgress: (done, total) => {
          const progress = { task: 'Generating the built-in dataset', done, total, unit: 'patients' };
          jobs.progress(job, progress);
          emit('progress', { ...progress, jobId: BUILT_IN_JOB });
        },
      });
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
      jobs.finish(job, 'finished');
    } catch (err) {
      jobs.finish(job, 'failed', errorMessage(err));
      throw err;
    }
  }
  return inspectFolder(dir);
}

/**
 * Validates and dispatches one call from an untrusted transport. Every failure leaves here as an
 * ApiFailure, and this is the one place that decides its kind: a request the validators refuse is
 * usage, a problem with what the user gave is input, anything else is a bug (internal).
 */
export async function dispatch(handlers: ApiHandlers, name: unknown, request: unknown): Promise<ApiReply> {
  if (!isApiName(name)) return { ok: false, error: { kind: 'usage', code: 'unknown-call', message: `unknown call ${JSON.stringify(name)}` } };
  let valid: unknown;
  try {
    valid = API_VALIDATORS[name](request);
  } catch (err) {
    return { ok: false, error: { kind: 'usage', code: 'bad-request', message: errorMessage(err) } };
  }
  try {
    const handler = handlers[name] as (r: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(valid) };
  } catch (err) {
    return { ok: false, error: handlerFailure(err) };
  }
}

/** Errno codes that mean the file system refused what the user named, not that the program is wrong. */
const USER_FS_CODES = new Set('ENOENT EACCES EPERM ENOTDIR EISDIR ELOOP ENAMETOOLONG EBUSY EROFS ENOSPC EDQUOT EEXIST ENOTEMPTY EIO'.split(' '));

/** The kind of a handler's failure (a validated request got this far, so it is never usage). */
/** The recording's own events, then those of the event files beside it, read afresh each time so a save shows at once. */
async function withEventFiles(info: RecordingInfo): Promise<RecordingInfo> {
  const events = await readSidecarEvents(info.path);
  if (!events.annotations.length && !events.problems.length) return info;
  return { ...info, annotations: [...info.annotations, ...events.annotations], ...(events.problems.length ? { eventFileProblems: events.problems } : {}) };
}

function handlerFailure(err: unknown): ApiFailure {
  const message = errorMessage(err);
  if (err instanceof InputError) return { kind: 'input', code: err.code, message };
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && USER_FS_CODES.has(errno)) return { kind: 'input', code: errno, message };
  return { kind: 'internal', code: err instanceof Error ? err.name : typeof err, message };
}
