/**
 * The EEG vocabulary every layer shares: the HMS electrode set, the six classes, the window
 * geometry, and the in-memory `Recording` every reader returns.
 */
import { InputError } from './errors';

/** The 19 scalp electrodes of the HMS files, in their column order. */
export const EEG_ELECTRODES = ['Fp1', 'F3', 'C3', 'P3', 'F7', 'T3', 'T5', 'O1', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'F8', 'T4', 'T6', 'O2'] as const;
export type Electrode = (typeof EEG_ELECTRODES)[number];

export const EKG_CHANNEL = 'EKG';

/** HMS column order: the 19 electrodes, then EKG. */
export const HMS_CHANNELS: readonly string[] = [...EEG_ELECTRODES, EKG_CHANNEL];

export const HMS_SAMPLE_RATE_HZ = 200;
/** A labelled sample: 50 s starting at `eeg_label_offset_seconds`. */
export const WINDOW_SEC = 50;
export const WINDOW_SAMPLES = WINDOW_SEC * HMS_SAMPLE_RATE_HZ;
/** The experts labelled the central 10 s of each window. */
export const LABELLED_START_SEC = 20;
export const LABELLED_SEC = 10;

export const CLASSES = ['seizure', 'lpd', 'gpd', 'lrda', 'grda', 'other'] as const;
export type ClassName = (typeof CLASSES)[number];
/** The vote columns of train.csv, in CLASSES order. */
export const VOTE_COLUMNS = CLASSES.map((c) => `${c}_vote`);

export interface Annotation {
  onsetSec: number;
  durationSec: number;
  text: string;
  /** The event file beside the recording it was read from (annotation-files.ts); absent for the recording's own (EDF+). */
  source?: string;
}

export type RecordingFormat = 'hms-parquet' | 'hms-spectrogram' | 'edf' | 'edf+c' | 'edf+d' | 'bdf';

/** The endings (any case) of the recording files the app opens: HMS parquet, EDF / EDF+, BDF. */
export const RECORDING_EXTENSIONS: readonly string[] = ['.parquet', '.edf', '.bdf'];

/** One recording in memory: a Float32Array per channel, all at `sampleRateHz`. */
export interface Recording {
  channels: string[];
  sampleRateHz: number;
  /** One array per channel, physical units; NaN marks a missing sample. */
  data: Float32Array[];
  units: string[];
  annotations: Annotation[];
  source: { path: string; format: RecordingFormat; startTime?: string; patientId?: string };
}

export function recordingSamples(rec: Recording): number {
  return rec.data.length ? rec.data[0].length : 0;
}

export function recordingDurationSec(rec: Recording): number {
  return recordingSamples(rec) / rec.sampleRateHz;
}

/** A problem with a user's file: always says which file and what is wrong. */
export class DataError extends InputError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`, 'data');
    this.name = 'DataError';
  }
}
