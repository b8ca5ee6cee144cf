/**
 * The one API contract between the UI and the backend: the calls, the events, the failures and the
 * IPC channels. Electron IPC and the local web host are both generated from these maps, so a
 * renamed field is a compile error on both ends. Each request's check is in api-validators.ts.
 */
import type { BatchJob, BatchRequest, BatchStatus, BatchTimeline, SummaryRow } from './batch';
import type { DatasetSummary } from './dataset';
import type { Annotation } from './eeg';
import type { Montage } from './montage';
import type { ModelInfo } from './model-info';
import type { StoredSettings, UserSettings } from './viewer-settings';
import type { EpochRecord, RestartRecord, StageName, TrainConfig, TrainEvent, TrainResult } from './training';

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
  /** 0.5 for an HMS spectrogram (one row per 2 s). */
  sampleRateHz: number;
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
  /** The file's other channels — electrodes outside the 19 (T1, A2, Fpz), polygraphy — by name, for a montage's rows (core/montage.ts). */
  otherChannels: string[];
  /** Electrodes without signal — lacking, empty or flat — whose rows and chains every montage draws flat (core/quality.ts absentElectrodes). */
  absentElectrodes: string[];
  /** The recording's own events (EDF+), then those of the event files beside it, each naming its file as `source`. */
  annotations: Annotation[];
  /** When it started, local ISO without a zone (EDF's header); absent when the file does not say (HMS parquet). */
  startTime?: string;
  /** The patient as the file names them (EDF+ patient code). */
  patientId?: string;
  /** One line per event file beside the recording that could not be read; its events are left out. */
  eventFileProblems?: string[];
  /** Stretches without data records (EDF+D), in s: pages there read as missing samples, and a timeline classifies nothing there. */
  gaps?: { startSec: number; endSec: number }[];
}

export interface PageRequest {
  path: string;
  startSec: number;
  durationSec: number;
  /** A built-in montage's name (BUILTIN_MONTAGES), or the reader's own rows. */
  montage: string | Montage;
  /** Electrodes the reader marked bad: read as absent — their derivations flat, left out of the average reference. */
  bad?: string[];
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
  /** The rows of `channels` with no signal, drawn flat: an absent or bad electrode's, or a derivation with one at either end. */
  absentRows: string[];
  /** Where a row's samples were interpolated over missing ones (absolute seconds, within the page): marked on the traces. */
  interpolated: InterpolatedSpan[];
  /** Stretches of the page the recording holds no data for (EDF+D gaps), absolute seconds: left blank and labelled, on every row. */
  noData: { fromSec: number; toSec: number }[];
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
  modelPath: string;
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
  /** The user's events of a recording, saved to `<recording>.annotations.csv` beside it (never into the recording); returns that file. */
  saveAnnotations: { request: { path: string; annotations: Annotation[] }; response: { file: string } };
  /** An EDF/BDF recording copied as `<name>.annotated.edf` (or .bdf) beside it, its signals unchanged, carrying its own events and the user's; returns the copy. */
  saveAnnotatedCopy: { request: { path: string; annotations: Annotation[] }; response: { file: string } };
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
  /** The user's viewer settings and recent recordings, from the app's data folder (defaults when none are kept). */
  readSettings: { request: Record<string, never>; response: StoredSettings };
  /** Keeps them for the next start, replacing what was kept. */
  writeSettings: { request: UserSettings; response: Record<string, never> };
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

export type { BatchJob, BatchRequest, BatchStatus, BatchTimeline, SummaryRow, TrainEvent, TrainResult, UserSettings };
export type ApiEventName = keyof ApiEvents;
export type ApiEmit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/** What a UI holds: one typed `call` and event subscription, whatever the transport. */
export interface ApiClient {
  call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>>;
  /** Returns a function that unsubscribes. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/**
 * Why a call failed, as it crosses the transport. `usage`: the request itself is malformed (the
 * calling code's mistake); `input`: the user's file, folder or model is wrong, or busy — the UI
 * shows `message` as it is; `internal`: anything else, a bug in HMS Studio to report.
 * `code` says which within the kind (a validator's `bad-request`, an errno such as `ENOENT`, an
 * Error's class name).
 */
export type ApiFailureKind = 'usage' | 'input' | 'internal';
export interface ApiFailure {
  kind: ApiFailureKind;
  code: string;
  message: string;
}

/** What a transport carries back for one call. */
export type ApiReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiFailure };

export const IPC_CHANNEL = 'hms:call';
export const IPC_EVENT_CHANNEL = 'hms:event';
