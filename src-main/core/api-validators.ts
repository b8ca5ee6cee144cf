/**
 * The checks every request of core/api.ts passes before a handler sees it: each arrives from
 * outside the process (a page, a socket), so nothing in it is trusted. A failure here is the
 * calling code's mistake, not the user's file's: the backend's dispatch reports it as usage.
 */
import type { ApiName, ApiRequest } from './api';
import type { Annotation } from './eeg';
import { EEG_ELECTRODES } from './eeg';
import { BUILTIN_MONTAGES, builtinMontage, checkMontage, isBadChannelList, MAX_BAD_CHANNELS, type Montage } from './montage';
import { STAGE_NAMES, type StageName } from './training';
import { checkUserSettings } from './viewer-settings';

/** Every argument that crosses a process boundary is checked before a handler sees it. */
export const API_VALIDATORS: { [K in ApiName]: (request: unknown) => ApiRequest<K> } = {
  appInfo: (r) => noArguments(r, 'appInfo'),
  inspect: (r) => ({ path: nonEmptyString(r, 'path') }),
  openRecording: (r) => ({ path: nonEmptyString(r, 'path') }),
  listRecordings: (r) => ({ path: nonEmptyString(r, 'path') }),
  openBuiltInDataset: (r) => noArguments(r, 'openBuiltInDataset'),
  readSpectrogram: (r) => ({ path: nonEmptyString(r, 'path') }),
  saveAnnotations: (r) => ({ path: nonEmptyString(r, 'path'), annotations: annotationList(field(r, 'annotations')) }),
  saveAnnotatedCopy: (r) => ({ path: nonEmptyString(r, 'path'), annotations: annotationList(field(r, 'annotations')) }),
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
  readSettings: (r) => noArguments(r, 'readSettings'),
  writeSettings: (r) => checkUserSettings(r),
  startBatch: (r) => {
    const [out, strideSec, threshold, workers] = ['out', 'strideSec', 'threshold', 'workers'].map((k) => field(r, k));
    if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && threshold < 1)) throw new Error('threshold must be a probability from 0 to below 1');
    return {
      input: nonEmptyString(r, 'input'),
      modelPath: nonEmptyString(r, 'modelPath'),
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
      modelPath: nonEmptyString(r, 'modelPath'),
      timeline,
      strideSec: finiteNumber(r, 'strideSec', 1, 3600),
      ...(preset === undefined ? {} : { preset: nonEmptyString(r, 'preset') }),
    };
  },
  readPage: (r) => {
    const bad = field(r, 'bad');
    return {
      path: nonEmptyString(r, 'path'),
      startSec: finiteNumber(r, 'startSec', 0, 1e7),
      durationSec: finiteNumber(r, 'durationSec', 0.1, 600),
      contextSec: finiteNumber(r, 'contextSec', 0, 60),
      montage: pageMontage(field(r, 'montage')),
      ...(bad === undefined ? {} : { bad: channelList(bad) }),
    };
  },
};

/** A built-in montage by its name, or a montage's own rows. */
function pageMontage(m: unknown): string | Montage {
  if (typeof m !== 'string') return checkMontage(m);
  if (!builtinMontage(m)) throw new Error(`montage must be one of ${BUILTIN_MONTAGES.map((b) => b.name).join(', ')}, or a montage's rows`);
  return m;
}

/** Channels marked bad: the 19 electrodes, or a file's other channels by name. */
function channelList(v: unknown): string[] {
  if (!isBadChannelList(v)) throw new Error(`bad must be a list of at most ${MAX_BAD_CHANNELS} channel names (electrodes such as ${EEG_ELECTRODES.slice(0, 3).join(' ')})`);
  return [...new Set(v)];
}

/** Events a user made: at most 100,000, each with seconds ≥ 0 and a text of at most 1,000 characters. */
function annotationList(v: unknown): Annotation[] {
  if (!Array.isArray(v) || v.length > 100_000) throw new Error('annotations must be a list of at most 100000 events');
  return v.map((a: unknown) => {
    const text = field(a, 'text');
    if (typeof text !== 'string' || text.trim() === '' || text.length > 1000) throw new Error('an annotation text must be 1 to 1000 characters');
    return { onsetSec: finiteNumber(a, 'onsetSec', 0, 1e7), durationSec: finiteNumber(a, 'durationSec', 0, 1e7), text };
  });
}

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
