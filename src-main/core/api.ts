/**
 * The one API contract between the UI and the backend. Electron IPC and the local web host are
 * both generated from these maps, so a renamed field is a compile error on both ends.
 */
import type { BatchJob, BatchRequest, BatchStatus, BatchTimeline, SummaryRow } from './batch';
import type { DatasetSummary } from './dataset';
import type { Annotation } from './eeg';
import { MONTAGES, type MontageKind } from './montage';
import type { ModelInfo } from './model-info';
import { STAGE_NAMES, type EpochRecord, type RestartRecord, type StageName, type TrainConfig, type TrainEvent, type TrainResult } from './training';

export interface ChannelStats {
  name: string;
  unit: string;
  missingFraction: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface FileInspection {
  kind: 'file';
  path: string;
  format: string;
  channels: string[];
  /** Hz; 0.5 for an HMS spectrogram (one row per 2 s). */
  sampleRate: number;
  samples: number;
  durationSec: number;
  channelStats: ChannelStats[];
  annotations: number;
  frequenciesHz?: number[];
}

export interface FolderInspection extends DatasetSummary {
  kind: 'folder';
  path: string;
  testRecordings: number;
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** A recording opened for reading, in the HMS channel layout. */
export interface RecordingInfo {
  path: string;
  format: string;
  sampleRateHz: number;
  durationSec: number;
  /** HMS channels the file lacks. */
  missing: string[];
  /** Electrodes without signal — lacking, empty or flat — whose rows and chains every montage draws flat (core/quality.ts absentElectrodes). */
  absentElectrodes: string[];
  annotations: Annotation[];
}

export interface PageRequest {
  path: string;
  startSec: number;
  durationSec: number;
  montage: MontageKind;
  /** Extra signal on each side, so filters applied in the UI settle before the page starts. */
  contextSec: number;
}

export interface InterpolatedSpan {
  /** The page's row (an index into its channels). */
  row: number;
  fromSec: number;
  toSec: number;
}

/** One page of a montage, unfiltered: the UI filters it itself so the preview follows the controls live. */
export interface Page {
  startSec: number;
  sampleRateHz: number;
  channels: string[];
  /** The rows of `channels` with no signal, drawn flat: an absent electrode's, or a chain with one at either end. */
  absentRows: string[];
  /** Where a row's samples were interpolated over missing ones (absolute seconds, within the page): marked on the traces. */
  interpolated: InterpolatedSpan[];
  /** Samples of context before the page (fewer at the recording's start). */
  contextBefore: number;
  /** Samples of the page itself. */
  samples: number;
  /** One base64 little-endian float32 array per channel: context, page, context. */
  data: string[];
}

/** The HMS region spectrogram of a whole recording, for the viewer's overview under the traces. */
export interface SpectrogramView {
  /** Centre of each column, s. */
  timeSec: number[];
  frequenciesHz: number[];
  /** LL, RL, LP, RP: base64 float32 log10 power, [column][bin] (column-major by time). */
  regions: { name: string; label: string; logPower: string }[];
}

/** One recording of a dataset folder, as the Library lists it. */
export interface DatasetRecording {
  eegId: string;
  path: string;
  patientId: string;
  windows: number;
  /** Consensus class of the recording's windows (the most frequent). */
  consensus: string;
  /** Most raters any of its windows had. */
  maxRaters: number;
  /** The labelled windows: the experts judged offsetSec + 20 … + 30 s. */
  labels: { offsetSec: number; votes: number[] }[];
}

/** A shipped architecture, as the Train view offers it. */
export interface ModelChoice {
  name: string;
  description: string;
  parameters: number;
  isDefault: boolean;
}

export interface TrainRequest {
  /** A dataset folder (with train.csv). */
  dataset: string;
  model: string;
  epochs: number;
  stages: StageName[];
  /** Training budget in minutes; none when absent. */
  minutes?: number;
  /** Continue the run in this folder (resume); a new run folder when absent. */
  runDir?: string;
}

export interface ClassifyRequest {
  recording: string;
  /** An .onnx file. */
  model: string;
  /** Probabilities along the recording every `strideSec` instead of one window. */
  timeline: boolean;
  strideSec: number;
  /** For a model made elsewhere: a preprocessing preset name. */
  preset?: string;
}

export interface ClassifyResult {
  recording: string;
  durationSec: number;
  model: ModelInfo;
  /** Where each window starts and the six probabilities (CLASSES order); one entry without a timeline. */
  windows: { startSec: number; probabilities: number[] }[];
}

/** Long work the backend does whoever asked for it: the UI lists it to attach to it again after a tab switch, a reload or a reconnect. */
export type JobKind = 'training' | 'generate' | 'batch';
export type JobState = 'running' | 'finished' | 'cancelled' | 'failed';

export interface JobProgress {
  task: string;
  done: number;
  total: number;
  unit: string;
}

export interface TrainingJob {
  runDir: string;
  /** The dataset folder, resolved. */
  dataset: string;
  request: TrainRequest;
  config: TrainConfig;
  /** The training process's first event; absent while the data is still being preprocessed. */
  started?: Extract<TrainEvent, { type: 'started' }>;
  /** Its latest step. */
  progress?: Extract<TrainEvent, { type: 'progress' }>;
  /** Every finished epoch of the run, a resumed run's earlier ones (from run.json) included. */
  history: EpochRecord[];
  /** Fresh starts of this session's training process (a stage stuck at the prior's loss). */
  restarts: RestartRecord[];
  result?: TrainResult;
}

export interface JobInfo {
  id: string;
  kind: JobKind;
  state: JobState;
  /** Wall-clock ms when it began. */
  since: number;
  /** Progress counted in units (patients generated, EEGs preprocessed); absent when none is under way. */
  progress?: JobProgress;
  /** Why it failed. */
  error?: string;
  training?: TrainingJob;
  batch?: BatchJob;
}

/** The ids listJobs gives: one built-in dataset, one job per training run folder and per batch results folder. */
export const BUILT_IN_JOB = 'generate:built-in';
export const trainingJobId = (runDir: string) => `training:${runDir}`;
export const batchJobId = (out: string) => `batch:${out}`;

/** Every call the UI makes: request → response. */
export interface ApiCalls {
  appInfo: { request: Record<string, never>; response: AppInfo };
  inspect: { request: { path: string }; response: FileInspection | FolderInspection };
  openRecording: { request: { path: string }; response: RecordingInfo };
  listRecordings: { request: { path: string }; response: DatasetRecording[] };
  /** Generates the built-in dataset on first use (progress events), then opens it. */
  openBuiltInDataset: { request: Record<string, never>; response: FolderInspection };
  readPage: { request: PageRequest; response: Page };
  readSpectrogram: { request: { path: string }; response: SpectrogramView };
  listModels: { request: Record<string, never>; response: ModelChoice[] };
  /** Starts training in its own process; `training` events follow, ending with done or error. */
  startTraining: { request: TrainRequest; response: { runDir: string } };
  /** Stops after the current step, keeping the best checkpoint. */
  cancelTraining: { request: { runDir: string }; response: Record<string, never> };
  /** The end of a run's training.log (what its training processes printed, and how each ended). */
  readTrainingLog: { request: { runDir: string }; response: { path: string; text: string; truncated: boolean } };
  /** The run's best checkpoint as `<runDir>/model.onnx`. */
  exportModel: { request: { runDir: string }; response: { path: string; info: ModelInfo } };
  classify: { request: ClassifyRequest; response: ClassifyResult };
  /** Classifies every recording of a folder or list on this machine's cores into a results folder; `batch` events follow. */
  startBatch: { request: BatchRequest; response: { out: string } };
  /** Stops after the recordings under way, keeping what is done; the same start again goes on. */
  stopBatch: { request: { out: string }; response: Record<string, never> };
  /** Where the batch into a results folder stands: this backend's, or one the CLI runs or ran there. */
  batchStatus: { request: { out: string }; response: BatchStatus };
  /** The summary rows so far of a batch this backend ran, in order of path. */
  batchResults: { request: { out: string }; response: SummaryRow[] };
  /** A recording's timeline from a batch this backend ran (`recording`: its path below the batch's root). */
  readBatchTimeline: { request: { out: string; recording: string }; response: BatchTimeline };
  /** Running jobs and the last finished ones, oldest first. */
  listJobs: { request: Record<string, never>; response: JobInfo[] };
}

export type ApiName = keyof ApiCalls;
export type ApiRequest<K extends ApiName> = ApiCalls[K]['request'];
export type ApiResponse<K extends ApiName> = ApiCalls[K]['response'];
export type ApiHandlers = { [K in ApiName]: (request: ApiRequest<K>) => Promise<ApiResponse<K>> };

/** What the backend tells the UI unasked: long work's progress. */
export interface ApiEvents {
  /** `jobId`: the job of listJobs it belongs to. */
  progress: JobProgress & { jobId?: string };
  /** A training run's events; `runDir` says which run. A crash of its process arrives as an error event. */
  training: { runDir: string; event: TrainEvent };
  /** A batch's status (every second while it runs) and, at its end, how it ended. */
  batch: { out: string; state: JobState; status?: BatchStatus; error?: string };
}

export type { BatchJob, BatchRequest, BatchStatus, BatchTimeline, SummaryRow, TrainEvent, TrainResult };
export type ApiEventName = keyof ApiEvents;
export type ApiEmit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/** What a UI holds: one typed `call` and event subscription, whatever the transport. */
export interface ApiClient {
  call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>>;
  /** Returns a function that unsubscribes. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** Error text that crosses the transport; the UI shows `message` as it is. */
export interface ApiFailure {
  message: string;
}

/** Every argument that crosses a process boundary is checked before a handler sees it. */
export const API_VALIDATORS: { [K in ApiName]: (request: unknown) => ApiRequest<K> } = {
  appInfo: (r) => noArguments(r, 'appInfo'),
  inspect: (r) => ({ path: nonEmptyString(r, 'path') }),
  openRecording: (r) => ({ path: nonEmptyString(r, 'path') }),
  listRecordings: (r) => ({ path: nonEmptyString(r, 'path') }),
  openBuiltInDataset: (r) => noArguments(r, 'openBuiltInDataset'),
  readSpectrogram: (r) => ({ path: nonEmptyString(r, 'path') }),
  listModels: (r) => noArguments(r, 'listModels'),
  startTraining: (r) => {
    const stages = field(r, 'stages');
    if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => !STAGE_NAMES.includes(s as StageName))) {
      throw new Error(`stages must be a list of ${STAGE_NAMES.join(', ')}`);
    }
    const minutes = field(r, 'minutes');
    const runDir = field(r, 'runDir');
    return {
      dataset: nonEmptyString(r, 'dataset'),
      model: nonEmptyString(r, 'model'),
      epochs: wholeNumber(r, 'epochs', 1, 10_000),
      stages: stages as StageName[],
      ...(minutes === undefined ? {} : { minutes: finiteNumber(r, 'minutes', 0.05, 10_000) }),
      ...(runDir === undefined ? {} : { runDir: nonEmptyString(r, 'runDir') }),
    };
  },
  cancelTraining: (r) => ({ runDir: nonEmptyString(r, 'runDir') }),
  readTrainingLog: (r) => ({ runDir: nonEmptyString(r, 'runDir') }),
  exportModel: (r) => ({ runDir: nonEmptyString(r, 'runDir') }),
  listJobs: (r) => noArguments(r, 'listJobs'),
  startBatch: (r) => {
    const [out, strideSec, threshold, workers] = ['out', 'strideSec', 'threshold', 'workers'].map((k) => field(r, k));
    if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && threshold < 1)) throw new Error('threshold must be a probability from 0 to below 1');
    return {
      input: nonEmptyString(r, 'input'),
      model: nonEmptyString(r, 'model'),
      ...(out === undefined ? {} : { out: nonEmptyString(r, 'out') }),
      ...(strideSec === undefined ? {} : { strideSec: finiteNumber(r, 'strideSec', 1, 3600) }),
      ...(threshold === undefined ? {} : { threshold: threshold as number }),
      ...(workers === undefined ? {} : { workers: wholeNumber(r, 'workers', 1, 256) }),
    };
  },
  stopBatch: (r) => ({ out: nonEmptyString(r, 'out') }),
  batchStatus: (r) => ({ out: nonEmptyString(r, 'out') }),
  batchResults: (r) => ({ out: nonEmptyString(r, 'out') }),
  readBatchTimeline: (r) => ({ out: nonEmptyString(r, 'out'), recording: nonEmptyString(r, 'recording') }),
  classify: (r) => {
    const timeline = field(r, 'timeline');
    if (typeof timeline !== 'boolean') throw new Error('timeline must be true or false');
    const preset = field(r, 'preset');
    return {
      recording: nonEmptyString(r, 'recording'),
      model: nonEmptyString(r, 'model'),
      timeline,
      strideSec: finiteNumber(r, 'strideSec', 1, 3600),
      ...(preset === undefined ? {} : { preset: nonEmptyString(r, 'preset') }),
    };
  },
  readPage: (r) => {
    const montage = field(r, 'montage');
    if (!MONTAGES.includes(montage as MontageKind)) throw new Error(`montage must be one of ${MONTAGES.join(', ')}`);
    return {
      path: nonEmptyString(r, 'path'),
      startSec: finiteNumber(r, 'startSec', 0, 1e7),
      durationSec: finiteNumber(r, 'durationSec', 0.1, 600),
      contextSec: finiteNumber(r, 'contextSec', 0, 60),
      montage: montage as MontageKind,
    };
  },
};

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(API_VALIDATORS, name);
}

function noArguments(r: unknown, call: string): Record<string, never> {
  if (r !== undefined && (typeof r !== 'object' || r === null || Object.keys(r).length > 0)) throw new Error(`${call} takes no arguments`);
  return {};
}

function field(r: unknown, name: string): unknown {
  return typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[name] : undefined;
}

function nonEmptyString(r: unknown, name: string): string {
  const v = field(r, name);
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096 || v.includes('\0')) {
    throw new Error(`${name} must be a non-empty string`);
  }
  return v;
}

function wholeNumber(r: unknown, name: string, min: number, max: number): number {
  const v = field(r, name);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return v;
}

function finiteNumber(r: unknown, name: string, min: number, max: number): number {
  const v = field(r, name);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return v;
}

export const IPC_CHANNEL = 'hms:call';
export const IPC_EVENT_CHANNEL = 'hms:event';
