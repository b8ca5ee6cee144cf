/**
 * The one API contract between the UI and the backend. Electron IPC and the local web host are
 * both generated from these maps, so a renamed field is a compile error on both ends.
 */
import type { DatasetSummary } from './dataset';
import type { Annotation } from './eeg';
import { MONTAGES, type MontageKind } from './montage';

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
  /** HMS channels the file lacks (shown flat). */
  missing: string[];
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

/** One page of a montage, unfiltered: the UI filters it itself so the preview follows the controls live. */
export interface Page {
  startSec: number;
  sampleRateHz: number;
  channels: string[];
  /** Samples of context before the page (fewer at the recording's start). */
  contextBefore: number;
  /** Samples of the page itself. */
  samples: number;
  /** One base64 little-endian float32 array per channel: context, page, context. */
  data: string[];
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

/** Every call the UI makes: request → response. */
export interface ApiCalls {
  appInfo: { request: Record<string, never>; response: AppInfo };
  inspect: { request: { path: string }; response: FileInspection | FolderInspection };
  openRecording: { request: { path: string }; response: RecordingInfo };
  listRecordings: { request: { path: string }; response: DatasetRecording[] };
  /** Generates the built-in dataset on first use (progress events), then opens it. */
  openBuiltInDataset: { request: Record<string, never>; response: FolderInspection };
  readPage: { request: PageRequest; response: Page };
}

export type ApiName = keyof ApiCalls;
export type ApiRequest<K extends ApiName> = ApiCalls[K]['request'];
export type ApiResponse<K extends ApiName> = ApiCalls[K]['response'];
export type ApiHandlers = { [K in ApiName]: (request: ApiRequest<K>) => Promise<ApiResponse<K>> };

/** What the backend tells the UI unasked: long work's progress. */
export interface ApiEvents {
  progress: { task: string; done: number; total: number; unit: string };
}
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

function finiteNumber(r: unknown, name: string, min: number, max: number): number {
  const v = field(r, name);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return v;
}

export const IPC_CHANNEL = 'hms:call';
export const IPC_EVENT_CHANNEL = 'hms:event';
