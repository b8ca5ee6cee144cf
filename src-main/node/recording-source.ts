/**
 * A recording opened for reading a stretch at a time, in the HMS layout (19 electrodes + EKG,
 * 200 Hz): EDF and BDF through `EdfReader`, which reads only the data records a stretch needs, so a
 * recording of days is never held whole; HMS parquet (an hour at most) is read whole and served
 * from memory. EDF+D gaps are the stretches between `segments`: they read as NaN, and callers that
 * walk a recording walk its segments instead.
 */
import { extname } from 'node:path';
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
  /** Samples [from, to) of the HMS channels, NaN where the file has none; do not write to them. */
  read(from: number, to: number): Float32Array[];
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
    read: (from, to) => recording.data.map((ch) => ch.subarray(Math.max(0, from), Math.max(0, to))),
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
    read(from, to) {
      // Only the signals the layout takes are decoded: a clinical file's oximetry and markers are not.
      const signals = reader.read(from, to, present);
      const n = Math.max(0, Math.min(to, reader.samples) - Math.max(0, from));
      return HMS_CHANNELS.map((_, c) => (signalOf[c] >= 0 ? signals[present.indexOf(signalOf[c])] : new Float32Array(n).fill(NaN)));
    },
    close: () => reader.close(),
  };
}
