/**
 * Classifying recordings with an exported model: the recording read in any format, brought to the
 * model's rate and preprocessed exactly as its metadata says, then one 50-s window or a batch of
 * windows (a Kaggle test folder's); file-timeline.ts walks a file of any length with these.
 */
import { CLASSES, DataError, HMS_CHANNELS, type Recording } from '../../core/eeg';
import { channelsMatchMontage, type ModelInfo } from '../../core/model-info';
import { montageChannelNames } from '../../core/montage';
import { type Preprocessed, preprocessRecording } from '../../core/preprocess';
import { DEFAULT_MAX_MISSING, eegWindowQuality, missingPrefix, windowMissing } from '../../core/quality';
import { resampleTo } from '../../core/resample';
import { readHmsLayoutRecording } from '../recording-files';

/** What classifying needs of a model: its metadata and batched probabilities (see onnx/classifier.ts). */
export interface WindowModel {
  info: ModelInfo;
  /** x: [rows, channels, samples]; returns [rows, classes] probabilities. */
  run(x: Float32Array, rows: number): Promise<Float32Array>;
}

export type Probabilities = Record<(typeof CLASSES)[number], number>;

export interface PreparedRecording {
  path: string;
  /** Preprocessed, channel-major, in `info.channels` order at `info.sampleRateHz`. */
  data: Float32Array[];
  sampleRateHz: number;
  durationSec: number;
  /** Electrodes the file lacked (filled flat). */
  missing: string[];
  /** Electrodes without signal and the model's input rows drawn flat for them (see core/quality.ts absentElectrodes). */
  absent: Preprocessed['absent'];
  /** Per HMS input channel, running counts of missing samples before filling (null: none missing, or not in the file). */
  missingPrefix: (Uint32Array | null)[];
}

/** A model whose channels are not the rows its montage gives cannot be fed a recording: refused, naming the model. */
export function checkFeedable(model: { path: string; info: ModelInfo }): void {
  if (channelsMatchMontage(model.info)) return;
  const gives = montageChannelNames(model.info.preprocess.montage);
  throw new DataError(
    model.path,
    `the model takes channels ${model.info.channels.slice(0, 6).join(' ')}…, but its ${model.info.preprocess.montage} montage gives ${gives.slice(0, 6).join(' ')}…: it cannot be fed a recording`,
  );
}

export async function prepareRecording(path: string, info: ModelInfo): Promise<PreparedRecording> {
  const { recording, missing } = await readHmsLayoutRecording(path);
  const rec = prepareLoaded(path, recording, missing, info);
  const samples = rec.data[0]?.length ?? 0;
  if (samples < info.windowSamples) {
    throw new DataError(path, `the recording lasts ${(samples / info.sampleRateHz).toFixed(1)} s; the model needs ${info.windowSamples / info.sampleRateHz} s`);
  }
  return rec;
}

/** A recording (or a stretch of one) in HMS layout, brought to the model's rate and preprocessed as its metadata says. */
export function prepareLoaded(path: string, recording: Recording, missing: string[], info: ModelInfo): PreparedRecording {
  const rec: Recording =
    recording.sampleRateHz === info.sampleRateHz
      ? recording
      : { ...recording, data: recording.data.map((d) => resampleTo(d, recording.sampleRateHz, info.sampleRateHz)), sampleRateHz: info.sampleRateHz };
  const pre = preprocessRecording(rec, info.preprocess);
  if (pre.channels.length !== info.channels.length || pre.channels.some((c, i) => c !== info.channels[i])) {
    throw new DataError(path, `the model takes channels ${info.channels.join(' ')}; its preprocessing gives ${pre.channels.join(' ')}`);
  }
  const samples = pre.data[0]?.length ?? 0;
  const prefixes = rec.data.map((ch, c) => (missing.includes(rec.channels[c]) ? null : missingPrefix(ch)));
  return { path, data: pre.data, sampleRateHz: info.sampleRateHz, durationSec: samples / info.sampleRateHz, missing, absent: pre.absent, missingPrefix: prefixes };
}

/** Why the NaN policy refuses the window at `start`, or null when it is usable. */
export function windowProblem(rec: PreparedRecording, start: number, samples: number, maxMissing = DEFAULT_MAX_MISSING): string | null {
  const quality = eegWindowQuality(windowMissing(rec.missingPrefix, start, samples), HMS_CHANNELS, rec.absent, maxMissing);
  return quality.ok ? null : quality.reason;
}

export function asProbabilities(p: ArrayLike<number>): Probabilities {
  return Object.fromEntries(CLASSES.map((c, k) => [c, p[k]])) as Probabilities;
}

/** Probabilities of the windows starting at `startSamples`, run in batches. */
export async function classifyWindows(model: WindowModel, rec: PreparedRecording, startSamples: readonly number[], batch = 32): Promise<Float32Array[]> {
  const { windowSamples } = model.info;
  const channels = rec.data.length;
  const x = new Float32Array(Math.min(batch, startSamples.length) * channels * windowSamples);
  const out: Float32Array[] = [];
  for (let i = 0; i < startSamples.length; i += batch) {
    const starts = startSamples.slice(i, i + batch);
    starts.forEach((start, r) => {
      for (let c = 0; c < channels; c++) x.set(rec.data[c].subarray(start, start + windowSamples), (r * channels + c) * windowSamples);
    });
    const p = await model.run(x.subarray(0, starts.length * channels * windowSamples), starts.length);
    for (let r = 0; r < starts.length; r++) out.push(p.slice(r * CLASSES.length, (r + 1) * CLASSES.length));
  }
  return out;
}

/** The window starting `offsetSec` into the recording (0: its start, as Kaggle's 50-s test files); refused when it misses too much. */
export async function classifyRecording(model: WindowModel, rec: PreparedRecording, offsetSec = 0, maxMissing = DEFAULT_MAX_MISSING): Promise<Probabilities> {
  const start = windowStart(rec.path, offsetSec, rec.data[0].length, model.info);
  const problem = windowProblem(rec, start, model.info.windowSamples, maxMissing);
  if (problem) throw new DataError(rec.path, `the window from ${offsetSec} s has ${problem}`);
  const [p] = await classifyWindows(model, rec, [start]);
  return asProbabilities(p);
}

/** The sample where the window `offsetSec` into a recording of `samples` (at the model's rate) starts; refused when no full window starts there. */
export function windowStart(path: string, offsetSec: number, samples: number, info: ModelInfo): number {
  const fs = info.sampleRateHz;
  const start = Math.round(offsetSec * fs);
  const last = samples - info.windowSamples;
  if (!(start >= 0 && start <= last)) {
    throw new DataError(
      path,
      `--offset ${offsetSec} s leaves no full ${info.windowSamples / fs}-s window in a ${(samples / fs).toFixed(1)}-s recording (0…${(last / fs).toFixed(1)} s)`,
    );
  }
  return start;
}

export interface TimelinePoint {
  /** Where the window starts; its centre, where the experts would look, is half a window later. */
  startSec: number;
  probabilities: Probabilities;
}

export interface TimelineOptions {
  /** The NaN policy's limit (0.2 unless given). */
  maxMissing?: number;
  /** Told of each window the policy leaves out. */
  onRejected?: (startSec: number, reason: string) => void;
}

/** A timeline as CSV: a row per window, its start and the six probabilities. */
export function timelineCsv(points: readonly TimelinePoint[]): string {
  return [['start_sec', ...CLASSES].join(','), ...points.map((p) => [p.startSec, ...CLASSES.map((c) => p.probabilities[c].toPrecision(6))].join(','))].join('\n') + '\n';
}
