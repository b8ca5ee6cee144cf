/**
 * A recording opened for reading a stretch at a time, in the HMS layout (19 electrodes + EKG,
 * 200 Hz): EDF and BDF through `EdfReader`, which reads only the data records a stretch needs, so a
 * recording of days is never held whole; HMS parquet (an hour at most) is read whole and served
 * from memory. EDF+D gaps are the stretches between `segments`: they read as NaN, and callers that
 * walk a recording walk its segments instead. An EDF's other signals — electrodes outside the 19
 * (T1, A2, Fpz), polygraphy — are there by name for the viewer, read only when asked for.
 */
import { extname } from 'node:path';
import { channelName } from '../core/channels';
import { type Annotation, HMS_CHANNELS, type Recording, type RecordingFormat } from '../core/eeg';
import { EdfReader, type Segment } from './formats/edf-reader';
import { checkedHmsLayout, readHmsLayoutRecording } from './recording-files';

export type { Segment };

export interface RecordingSource {
  path: string;
  format: RecordingFormat;
  sampleRateHz: number;
  /** Samples per channel from the first record to the end of the last, gaps included. */
  samples: number;
  /** HMS channels the file lacks (read as NaN). */
  missing: string[];
  annotations: Annotation[];
  /** The recording's start, ISO 8601 local time without a zone, when the file says it (EDF). */
  startTime?: string;
  /** The patient code of the file's header (EDF+), when it has one. */
  patientId?: string;
  /** Stretches with data, [start, end) in samples; one for a recording without gaps. */
  segments: Segment[];
  /** The file's signals outside the HMS layout, by name (core/channels.ts channelName), at the same rate. */
  otherChannels: string[];
  /** Samples [from, to) of the HMS channels, NaN where the file has none; do not write to them. */
  read(from: number, to: number): Float32Array[];
  /** Samples [from, to) of other channels by name, NaN for a name the file lacks. */
  readOthers(from: number, to: number, names: readonly string[]): Float32Array[];
  close(): void;
}

export async function openRecordingSource(path: string): Promise<RecordingSource> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.edf' && ext !== '.bdf') return wholeSource(await readHmsLayoutRecording(path));
  const reader = await EdfReader.open(path);
  try {
    return edfSource(reader);
  } catch (err) {
    reader.close();
    throw err;
  }
}

/** A recording already in memory, as a source. */
export function wholeSource({ recording, missing }: { recording: Recording; missing: string[] }): RecordingSource {
  const samples = recording.data[0]?.length ?? 0;
  return {
    path: recording.source.path,
    format: recording.source.format,
    sampleRateHz: recording.sampleRateHz,
    samples,
    missing,
    annotations: recording.annotations,
    ...(recording.source.startTime ? { startTime: recording.source.startTime } : {}),
    ...(recording.source.patientId ? { patientId: recording.source.patientId } : {}),
    segments: [[0, samples]],
    // An HMS parquet has only the layout's columns.
    otherChannels: [],
    read: (from, to) => recording.data.map((ch) => ch.subarray(Math.max(0, from), Math.max(0, to))),
    readOthers: (from, to, names) => names.map(() => new Float32Array(Math.max(0, Math.min(to, samples) - Math.max(0, from))).fill(NaN)),
    close: () => {},
  };
}

function edfSource(reader: EdfReader): RecordingSource {
  // The layout is settled on empty channels: each HMS channel is one of the file's signals, or missing.
  const heads: Float32Array[] = reader.channels.map(() => new Float32Array(0));
  const head: Recording = {
    channels: reader.channels,
    sampleRateHz: reader.sampleRateHz,
    data: heads,
    units: reader.units,
    annotations: [],
    source: { path: reader.path, format: reader.format },
  };
  const { recording, missing } = checkedHmsLayout(head, reader.path);
  const signalOf = recording.data.map((d) => heads.indexOf(d));
  const present = signalOf.filter((i) => i >= 0);
  const others = otherSignals(reader.channels, present);
  const span = (from: number, to: number) => Math.max(0, Math.min(to, reader.samples) - Math.max(0, from));
  return {
    path: reader.path,
    format: reader.format,
    sampleRateHz: reader.sampleRateHz,
    samples: reader.samples,
    missing,
    annotations: reader.annotations,
    ...(reader.startTime ? { startTime: reader.startTime } : {}),
    ...(reader.patientId ? { patientId: reader.patientId } : {}),
    segments: reader.segments,
    otherChannels: [...others.keys()],
    read(from, to) {
      // Only the signals the layout takes are decoded: a clinical file's oximetry and markers are not, unless asked by name.
      const signals = reader.read(from, to, present);
      return HMS_CHANNELS.map((_, c) => (signalOf[c] >= 0 ? signals[present.indexOf(signalOf[c])] : new Float32Array(span(from, to)).fill(NaN)));
    },
    readOthers(from, to, names) {
      const which = names.filter((n) => others.has(n)).map((n) => others.get(n)!);
      const signals = which.length ? reader.read(from, to, which) : [];
      return names.map((n) => (others.has(n) ? signals[which.indexOf(others.get(n)!)] : new Float32Array(span(from, to)).fill(NaN)));
    },
    close: () => reader.close(),
  };
}

/**
 * The signals the HMS layout leaves, by name → signal index: a second signal of one name is kept
 * too, as 'name (2)', so every channel of the file can be shown.
 */
function otherSignals(labels: readonly string[], taken: readonly number[]): Map<string, number> {
  const others = new Map<string, number>();
  labels.forEach((label, i) => {
    if (taken.includes(i)) return;
    const name = channelName(label);
    let unique = name;
    for (let k = 2; others.has(unique) || HMS_CHANNELS.includes(unique); k++) unique = `${name} (${k})`;
    others.set(unique, i);
  });
  return others;
}
