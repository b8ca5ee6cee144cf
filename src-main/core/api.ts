/**
 * The one API contract between the UI and the backend. Electron IPC and the local web host are
 * both generated from these maps, so a renamed field is a compile error on both ends.
 */
import type { DatasetSummary } from './dataset';

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

/** Every call the UI makes: request → response. */
export interface ApiCalls {
  appInfo: { request: Record<string, never>; response: AppInfo };
  inspect: { request: { path: string }; response: FileInspection | FolderInspection };
}

export type ApiName = keyof ApiCalls;
export type ApiRequest<K extends ApiName> = ApiCalls[K]['request'];
export type ApiResponse<K extends ApiName> = ApiCalls[K]['response'];
export type ApiHandlers = { [K in ApiName]: (request: ApiRequest<K>) => Promise<ApiResponse<K>> };

/** What a UI holds: one typed `call`, whatever the transport. */
export interface ApiClient {
  call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>>;
}

/** Error text that crosses the transport; the UI shows `message` as it is. */
export interface ApiFailure {
  message: string;
}

/** Every argument that crosses a process boundary is checked before a handler sees it. */
export const API_VALIDATORS: { [K in ApiName]: (request: unknown) => ApiRequest<K> } = {
  appInfo: (r) => {
    if (r !== undefined && (typeof r !== 'object' || r === null || Object.keys(r).length > 0)) throw new Error('appInfo takes no arguments');
    return {};
  },
  inspect: (r) => ({ path: nonEmptyString(r, 'path') }),
};

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(API_VALIDATORS, name);
}

function nonEmptyString(r: unknown, field: string): string {
  const v = typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[field] : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096 || v.includes('\0')) {
    throw new Error(`${field} must be a non-empty string`);
  }
  return v;
}

export const IPC_CHANNEL = 'hms:call';
