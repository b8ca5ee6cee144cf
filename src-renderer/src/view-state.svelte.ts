/**
 * What the views keep while the app runs, outside the components, so that switching tabs does not
 * lose settings or results: a view is unmounted when another is shown and finds its state here
 * when it comes back. Long work lives in the backend (listJobs); this is only the UI's side.
 */
import type { Problem } from './api-client';
import type {
  BatchTimeline,
  ClassifyRequest,
  ClassifyResult,
  DatasetRecording,
  FileInspection,
  FolderInspection,
  JobProgress,
  Page,
  PageRequest,
  RecordingInfo,
  SpectrogramView,
} from '../../src-main/core/api';
import { LABELLED_START_SEC } from '../../src-main/core/eeg';
import type { ModelInfo } from '../../src-main/core/model-info';
import type { Montage } from '../../src-main/core/montage';
import type { RowLayout } from '../../src-main/core/row-layout';

/** A page as read, with the request that asked for it: the label and the traces both come from it. */
export interface LoadedPage {
  request: PageRequest;
  meta: Page;
  raw: Float32Array[];
}

class ViewerState {
  path = $state('');
  labels = $state.raw<DatasetRecording['labels']>([]);
  /** Where the reader asked to be; the page shown moves there once its data has arrived. */
  startSec = $state(0);
  pageSec = $state(10);
  /** The montage shown, by name: a built-in's or one of `montages`. */
  montage = $state('bipolar');
  /** The montages the reader built and saved: kept in the settings. */
  montages = $state.raw<Montage[]>([]);
  /** How the reader arranged each montage's rows (hidden, moved, the file's other channels added), by montage name: kept in the settings. */
  layouts = $state.raw<Record<string, RowLayout>>({});
  /** Electrodes the reader marked bad, per recording (path): each recording's own, kept in the settings. */
  bad = $state.raw<Record<string, string[]>>({});
  sensitivity = $state(10);
  highpassHz = $state(0.5);
  lowpassHz = $state(40);
  notchHz = $state<0 | 50 | 60>(0);
  showRaw = $state(false);
  info = $state.raw<RecordingInfo | null>(null);
  page = $state.raw<LoadedPage | null>(null);
  spectrogram = $state.raw<SpectrogramView | null>(null);
  /** The recording's timeline drawn as the classifier strip: a batch's, or one classified in the viewer; none until either. */
  strip = $state.raw<BatchTimeline | null>(null);
  /** What the model that drew the strip says of itself; null for a batch's strip, whose timeline file does not carry it. */
  stripModel = $state.raw<ModelInfo | null>(null);
  /** The model the viewer classifies with (an .onnx path) and how often: kept from one recording to the next. */
  model = $state('');
  strideSec = $state(10);
  /** The models the viewer classified with this session, newest first, for its model field to offer. */
  usedModels = $state<string[]>([]);
  /** The classification under way: only its answer may land (a recording opened meanwhile drops it). */
  classifying = $state.raw<ClassifyRequest | null>(null);
  classifyError = $state<Problem>('');
  /** The recording could not be opened. */
  openError = $state('');
  /** The latest page could not be read; the one shown stays. */
  pageError = $state('');
  /** The page asked for last: only its answer may land, whichever instance of the view asked (not reactive). */
  latestRequest: PageRequest | null = null;

  /** A recording to read: from a dataset where the experts looked first, else at `atSec` or its start. */
  open(path: string, labels: DatasetRecording['labels'] = [], atSec?: number, strip: BatchTimeline | null = null): void {
    this.path = path;
    this.strip = strip;
    this.stripModel = null;
    this.classifying = null;
    this.classifyError = '';
    this.labels = labels;
    this.startSec = atSec ?? (labels.length ? Math.min(...labels.map((l) => l.offsetSec)) + LABELLED_START_SEC : 0);
    this.info = null;
    this.page = null;
    this.spectrogram = null;
    this.openError = '';
    this.pageError = '';
  }
}

class ClassifyState {
  recording = $state('');
  model = $state('');
  timeline = $state(false);
  strideSec = $state(10);
  preset = $state('');
  busy = $state(false);
  error = $state<Problem>('');
  result = $state.raw<ClassifyResult | null>(null);
}

class LibraryState {
  /** A path the menu or a drop handed over, for the Library to open when it shows. */
  pendingOpen = $state('');
  path = $state('');
  inspection = $state.raw<FileInspection | FolderInspection | null>(null);
  recordings = $state.raw<DatasetRecording[]>([]);
  error = $state<Problem>('');
  busy = $state(false);
  progress = $state.raw<JobProgress | null>(null);
  search = $state('');
  consensus = $state('any');
  minRaters = $state(0);
}

class TrainForm {
  dataset = $state('');
  model = $state('');
  epochs = $state(150);
  minutes = $state(10);
  plan = $state(0);
  /** The run this view shows; the backend's job list says how it stands. */
  runDir = $state('');
}

class BatchForm {
  input = $state('');
  model = $state('');
  /** Empty: a new folder in the app's batches folder. */
  out = $state('');
  strideSec = $state(10);
  threshold = $state(0.5);
  /** 0: one per core. */
  workers = $state(0);
  /** The results folder of the batch this view shows; the backend's job list says how it stands. */
  shown = $state('');
}

export const viewer = new ViewerState();
export const classify = new ClassifyState();
export const library = new LibraryState();
export const trainForm = new TrainForm();
export const batchForm = new BatchForm();
