/**
 * The preprocessing a model and a reader share: fill missing samples, montage, filter along
 * time, clip. Applied to a whole recording; windows are cut afterwards, so a window's filter has
 * the recording around it as context instead of edge transients.
 */
import { DataError, HMS_CHANNELS, type Recording, WINDOW_SAMPLES } from './eeg';
import { filterChannels, filterProblem, type FilterSpec } from './filters';
import { absentRows, applyMontage, montageChannelNames, MONTAGES, type MontageKind } from './montage';
import { absentElectrodes, clipInPlace, fillMissing } from './quality';

export interface PreprocessSpec {
  montage: MontageKind;
  filter: FilterSpec;
  /** Clip to ±clipUv after filtering; null keeps the full range. */
  clipUv: number | null;
}

/** The notebook's science with its slips fixed: bipolar, 0.5–20 Hz order-4 band-pass along time, ±1024 µV. */
export const DEFAULT_PREPROCESS: PreprocessSpec = {
  montage: 'bipolar',
  filter: { highpassHz: 0.5, lowpassHz: 20, order: 4, zeroPhase: false },
  clipUv: 1024,
};

/** What is wrong with a preprocessing spec read from a file (a model's metadata, a checkpoint), or null. */
export function preprocessSpecProblem(spec: unknown, fsHz: number): string | null {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `it is ${JSON.stringify(spec)}, not a preprocessing spec`;
  const { montage, filter, clipUv } = spec as Partial<PreprocessSpec>;
  if (!MONTAGES.includes(montage as MontageKind)) return `montage ${JSON.stringify(montage)} is not one of ${MONTAGES.join(', ')}`;
  if (typeof filter !== 'object' || filter === null) return `it has no filter (${JSON.stringify(filter)})`;
  const problem = filterProblem(filter, fsHz);
  if (problem) return problem.problem;
  if (clipUv !== null && !(typeof clipUv === 'number' && clipUv > 0 && Number.isFinite(clipUv)))
    return `clipUv must be a positive number of µV or null, got ${JSON.stringify(clipUv)}`;
  return null;
}

export interface Preprocessed {
  channels: string[];
  sampleRateHz: number;
  data: Float32Array[];
  /** Per HMS input channel, before filling. */
  missingFraction: number[];
  /** Electrodes with no signal (absentElectrodes), the montage rows drawn flat for them, and how many EEG rows the montage has. */
  absent: { electrodes: Set<string>; rows: string[]; rowCount: number };
}

/**
 * `rec` must be in HMS layout (HMS_CHANNELS order), as the HMS reader or `toHmsLayout` gives it.
 * `out`: the rows to write the result into (one per montage channel, as long as the recording),
 * for a caller that reuses its buffers; new arrays unless given.
 */
export function preprocessRecording(rec: Recording, spec: PreprocessSpec, out?: Float32Array[]): Preprocessed {
  if (rec.channels.length !== HMS_CHANNELS.length || rec.channels.some((c, i) => c !== HMS_CHANNELS[i])) {
    throw new DataError(rec.source.path, `expected the HMS channels ${HMS_CHANNELS.join(' ')}, got ${rec.channels.join(' ')}`);
  }
  const { data: filled, missingFraction } = fillMissing(rec.data);
  const electrodes = absentElectrodes(rec.data);
  const montaged = applyMontage(spec.montage, filled, electrodes, out);
  // In place: the montage's rows are new or the caller's, so a second set of rows is not needed.
  const filtered = filterChannels(montaged, spec.filter, rec.sampleRateHz, montaged);
  return {
    channels: montageChannelNames(spec.montage),
    sampleRateHz: rec.sampleRateHz,
    data: spec.clipUv === null ? filtered : clipInPlace(filtered, spec.clipUv),
    missingFraction,
    absent: { electrodes, rows: absentRows(spec.montage, electrodes), rowCount: montageChannelNames(spec.montage).length - 1 },
  };
}

/** The window of `samples` starting at `startSample`, as views into `data` (no copy). */
export function cutWindow(data: Float32Array[], startSample: number, sampleRateHz: number, file: string, samples = WINDOW_SAMPLES): Float32Array[] {
  const available = data[0]?.length ?? 0;
  if (startSample < 0 || startSample + samples > available) {
    const sec = (n: number) => `${+(n / sampleRateHz).toFixed(2)} s`;
    throw new DataError(file, `a ${sec(samples)} window from ${sec(startSample)} needs the recording to last ${sec(startSample + samples)}; it lasts ${sec(available)}`);
  }
  return data.map((ch) => ch.subarray(startSample, startSample + samples));
}

/** Fraction of NaN/infinite samples per channel of a raw window. */
export function missingFractions(window: Float32Array[]): number[] {
  return window.map((ch) => {
    let bad = 0;
    for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) bad++;
    return ch.length ? bad / ch.length : 1;
  });
}
