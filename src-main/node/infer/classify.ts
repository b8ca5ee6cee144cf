/**
 * Classifying recordings with an exported model: the recording read in any format, brought to the
 * model's rate and preprocessed exactly as its metadata says, then one 50-s window, a timeline of
 * windows along a long recording, or every recording of a Kaggle test folder.
 */
import { CLASSES, DataError, type Recording } from '../../core/eeg';
import type { ModelInfo } from '../../core/model-info';
import { preprocessRecording } from '../../core/preprocess';
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
}

export async function prepareRecording(path: string, info: ModelInfo): Promise<PreparedRecording> {
  const { recording, missing } = await readHmsLayoutRecording(path);
  const rec: Recording =
    recording.sampleRateHz === info.sampleRateHz ? recording : { ...recording, data: recording.data.map((d) => resampleTo(d, recording.sampleRateHz, info.sampleRateHz)), sampleRateHz: info.sampleRateHz };
  const pre = preprocessRecording(rec, info.preprocess);
  if (pre.channels.length !== info.channels.length || pre.channels.some((c, i) => c !== info.channels[i])) {
    throw new DataError(path, `the model takes channels ${info.channels.join(' ')}; its preprocessing gives ${pre.channels.join(' ')}`);
  }
  const samples = pre.data[0]?.length ?? 0;
  if (samples < info.windowSamples) {
    throw new DataError(path, `the recording lasts ${(samples / info.sampleRateHz).toFixed(1)} s; the model needs ${info.windowSamples / info.sampleRateHz} s`);
  }
  return { path, data: pre.data, sampleRateHz: info.sampleRateHz, durationSec: samples / info.sampleRateHz, missing };
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

/** The window starting `offsetSec` into the recording (0: its start, as Kaggle's 50-s test files). */
export async function classifyRecording(model: WindowModel, rec: PreparedRecording, offsetSec = 0): Promise<Probabilities> {
  const start = Math.round(offsetSec * rec.sampleRateHz);
  const last = rec.data[0].length - model.info.windowSamples;
  if (!(start >= 0 && start <= last)) {
    throw new DataError(rec.path, `--offset ${offsetSec} s leaves no full ${model.info.windowSamples / rec.sampleRateHz}-s window in a ${rec.durationSec.toFixed(1)}-s recording (0…${(last / rec.sampleRateHz).toFixed(1)} s)`);
  }
  const [p] = await classifyWindows(model, rec, [start]);
  return asProbabilities(p);
}

export interface TimelinePoint {
  /** Where the window starts; its centre, where the experts would look, is half a window later. */
  startSec: number;
  probabilities: Probabilities;
}

/** Windows centred every `strideSec` along the recording, as far as whole windows reach. */
export async function classifyTimeline(model: WindowModel, rec: PreparedRecording, strideSec = 10): Promise<TimelinePoint[]> {
  if (!(strideSec > 0)) throw new Error(`the stride must be positive, got ${strideSec}`);
  const stride = Math.max(1, Math.round(strideSec * rec.sampleRateHz));
  const last = rec.data[0].length - model.info.windowSamples;
  const starts: number[] = [];
  for (let s = 0; s <= last; s += stride) starts.push(s);
  const probabilities = await classifyWindows(model, rec, starts);
  return starts.map((s, i) => ({ startSec: s / rec.sampleRateHz, probabilities: asProbabilities(probabilities[i]) }));
}
