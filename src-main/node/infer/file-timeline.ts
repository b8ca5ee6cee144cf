/**
 * A timeline along a recording file of any length, in bounded memory: the file is walked a stretch
 * at a time (an hour of windows, with a minute of signal on each side so the filters have settled
 * where the windows start), each stretch preprocessed as a whole recording is and cut into windows.
 * A recording of an hour or so is one stretch: every window of it is cut from the recording
 * `prepareRecording` gives. Long EDF+D gaps are never read: the windows on them are counted and said, not
 * classified.
 */
import { DataError, HMS_CHANNELS, type Recording } from '../../core/eeg';
import { resampleRatio } from '../../core/resample';
import { openRecordingSource, type RecordingSource, type Segment } from '../recording-source';
import type { ModelInfo } from '../../core/model-info';
import {
  asProbabilities,
  classifyWindows,
  prepareLoaded,
  type PreparedRecording,
  type Probabilities,
  type TimelineOptions,
  type TimelinePoint,
  type WindowModel,
  windowProblem,
  windowStart,
} from './classify';

/** Windows read and preprocessed together: an hour's (about 60 MB of signal). */
const STRETCH_SEC = 3600;
/** Signal before and after a stretch: an order-4 0.5-Hz high-pass forgets its start to float32 rounding in well under a minute. */
const CONTEXT_SEC = 60;
/**
 * EDF+D gaps longer than this split the recording: no window is read across them. Shorter ones are
 * held as NaN, as a whole read holds them, and the NaN policy judges the windows over them.
 */
const SPLIT_GAP_SEC = 600;
const GAP_REASON = 'a gap without data records under it';

/** From a source's rate to a model's: `up` model samples for every `down` source samples. */
type Ratio = { up: number; down: number };

export interface FileTimeline {
  points: TimelinePoint[];
  durationSec: number;
  /** HMS channels the file lacks. */
  missing: string[];
  /** Windows the NaN policy left out, and where the first starts (null: none). */
  rejected: number;
  firstRejectedSec: number | null;
  /** Windows of the stride's grid on or across a gap without data records: not classified. */
  inGaps: number;
  /** Seconds of the recording without data records (EDF+D gaps). */
  gapSec: number;
  /** The flat rows of the first stretch that has any, for a warning. */
  absent: PreparedRecording['absent'] | null;
}

interface Walk extends FileTimeline {
  firstProblem: string | null;
}

export async function classifyFileTimeline(model: WindowModel, path: string, strideSec = 10, options: TimelineOptions = {}): Promise<FileTimeline> {
  if (!(strideSec > 0)) throw new Error(`the stride must be positive, got ${strideSec}`);
  const source = await openRecordingSource(path);
  try {
    const { firstProblem, ...timeline } = await walk(model, source, strideSec, options);
    if (timeline.points.length === 0) throw new DataError(path, `no window along the recording is usable: the first has ${firstProblem}`);
    return timeline;
  } finally {
    source.close();
  }
}

async function walk(model: WindowModel, source: RecordingSource, strideSec: number, options: TimelineOptions): Promise<Walk> {
  const { sampleRateHz: fs, windowSamples: w } = model.info;
  const { ratio, total } = atModelRate(source, model.info);
  const { up, down } = ratio;
  const stride = Math.max(1, Math.round(strideSec * fs));
  const held = source.segments.reduce((n, [a, b]) => n + b - a, 0);
  const out: Walk = {
    points: [],
    durationSec: total / fs,
    missing: source.missing,
    rejected: 0,
    firstRejectedSec: null,
    inGaps: 0,
    gapSec: (source.samples - held) / source.sampleRateHz,
    absent: null,
    firstProblem: null,
  };
  const refuse = (start: number, reason: string) => {
    out.firstProblem ??= reason;
    options.onRejected?.(start / fs, reason);
  };
  const spans = splitAtLongGaps(source.segments, SPLIT_GAP_SEC * source.sampleRateHz).map(([a, b]): Segment => [
    Math.ceil((a * up) / down),
    b >= source.samples ? total : Math.floor((b * up) / down),
  ]);
  let next = 0;
  for (const [a, b] of spans) {
    const k0 = Math.ceil(a / stride);
    const k1 = Math.floor((b - w) / stride);
    for (; next < Math.min(k0, k1 + 1); next++, out.inGaps++) refuse(next * stride, GAP_REASON);
    if (k1 < k0) continue;
    // A span of about an hour is read whole, as `prepareRecording` reads a recording; a longer one by the hour, with context.
    const whole = b - a <= (STRETCH_SEC + 2 * CONTEXT_SEC) * fs + w;
    const perStretch = whole ? k1 - k0 + 1 : Math.max(1, Math.floor((STRETCH_SEC * fs) / stride));
    const context = CONTEXT_SEC * fs;
    for (let k = k0; k <= k1; k += perStretch) {
      const starts = Array.from({ length: Math.min(perStretch, k1 - k + 1) }, (_, i) => (k + i) * stride);
      const region: Segment = whole ? [a, b] : [Math.max(a, starts[0] - context), Math.min(b, starts[starts.length - 1] + w + context)];
      await classifyStretch(model, source, region, starts, ratio, out, refuse, options);
    }
    next = Math.max(next, k1 + 1);
  }
  for (; next <= Math.floor((total - w) / stride); next++, out.inGaps++) refuse(next * stride, GAP_REASON);
  return out;
}

/** Windows `starts` (model samples): the stretch [from, to) around them read, preprocessed, and each window judged by the NaN policy and classified. */
async function classifyStretch(
  model: WindowModel,
  source: RecordingSource,
  [from, to]: Segment,
  starts: number[],
  ratio: Ratio,
  out: Walk,
  refuse: (start: number, reason: string) => void,
  options: TimelineOptions,
): Promise<void> {
  const { sampleRateHz: fs, windowSamples: w } = model.info;
  const { prepared, offset } = readStretch(model.info, source, [from, to], ratio);
  if (prepared.absent.rows.length) out.absent ??= prepared.absent;
  const usable: number[] = [];
  for (const s of starts) {
    const problem = windowProblem(prepared, s - offset, w, options.maxMissing);
    if (problem) {
      out.rejected++;
      out.firstRejectedSec ??= s / fs;
      refuse(s, problem);
    } else usable.push(s);
  }
  if (usable.length === 0) return;
  const probabilities = await classifyWindows(
    model,
    prepared,
    usable.map((s) => s - offset),
  );
  usable.forEach((s, i) => out.points.push({ startSec: s / fs, probabilities: asProbabilities(probabilities[i]) }));
}

/** Samples [from, to) at the model's rate of a source, read, brought to the model's rate and preprocessed; `offset` is where they start. */
function readStretch(info: ModelInfo, source: RecordingSource, [from, to]: Segment, { up, down }: Ratio): { prepared: PreparedRecording; offset: number } {
  // Read from a multiple of `down` source samples, so the stretch's samples fall on the whole recording's grid.
  const fromSource = Math.floor(from / up) * down;
  const rec: Recording = {
    channels: [...HMS_CHANNELS],
    sampleRateHz: source.sampleRateHz,
    data: source.read(fromSource, Math.ceil((to * down) / up)),
    units: HMS_CHANNELS.map(() => 'uV'),
    annotations: [],
    source: { path: source.path, format: source.format },
  };
  return { prepared: prepareLoaded(source.path, rec, source.missing, info), offset: (fromSource / down) * up };
}

/** The rate ratio from a source to a model, and the recording's length at the model's rate, refused when shorter than a window. */
function atModelRate(source: RecordingSource, info: ModelInfo): { ratio: Ratio; total: number } {
  const { sampleRateHz: fs, windowSamples: w } = info;
  const ratio = source.sampleRateHz === fs ? { up: 1, down: 1 } : resampleRatio(source.sampleRateHz, fs);
  const total = Math.ceil((source.samples * ratio.up) / ratio.down);
  if (total < w) throw new DataError(source.path, `the recording lasts ${(total / fs).toFixed(1)} s; the model needs ${w / fs} s`);
  return { ratio, total };
}

/**
 * The window `offsetSec` into a recording file of any length: a recording of about an hour is read
 * whole, as `prepareRecording` reads it; a longer one only around the window, with filter context.
 * Refused, naming the file, when it misses too much (an EDF+D gap under it included).
 */
export async function classifyFileWindow(model: WindowModel, path: string, offsetSec = 0, maxMissing?: number): Promise<FileWindow> {
  const source = await openRecordingSource(path);
  try {
    const { sampleRateHz: fs, windowSamples: w } = model.info;
    const { ratio, total } = atModelRate(source, model.info);
    const start = windowStart(path, offsetSec, total, model.info);
    const whole = total <= (STRETCH_SEC + 2 * CONTEXT_SEC) * fs + w;
    const context = CONTEXT_SEC * fs;
    const { prepared, offset } = readStretch(model.info, source, whole ? [0, total] : [Math.max(0, start - context), Math.min(total, start + w + context)], ratio);
    const problem = windowProblem(prepared, start - offset, w, maxMissing);
    if (problem) throw new DataError(path, `the window from ${offsetSec} s has ${problem}`);
    const [p] = await classifyWindows(model, prepared, [start - offset]);
    return { probabilities: asProbabilities(p), durationSec: total / fs, absent: prepared.absent };
  } finally {
    source.close();
  }
}

export interface FileWindow {
  probabilities: Probabilities;
  durationSec: number;
  /** The flat rows of what was read, for a warning. */
  absent: PreparedRecording['absent'];
}

/** Segments joined across gaps shorter than `minGap` samples. */
function splitAtLongGaps(segments: readonly Segment[], minGap: number): Segment[] {
  const out: Segment[] = [];
  for (const [a, b] of segments) {
    const last = out[out.length - 1];
    if (last && a - last[1] < minGap) last[1] = b;
    else out.push([a, b]);
  }
  return out;
}
