/**
 * EDF+ / BDF+ annotations: Time-stamped Annotation Lists (TALs) in the annotation signals of every
 * data record, each `onset [\x15 duration] \x14 text \x14 … \x00`. The first TAL of the first
 * annotation signal in a record keeps time: its onset is when that record starts, and it is not
 * an annotation a user wrote.
 */
import { DataError, type Annotation } from '../../core/eeg';
import type { EdfHeader, EdfSignalHeader } from './edf-header';

export interface Tals {
  /**
   * Each record's start from its time-keeping TAL, seconds after the header's start time (NaN for
   * a record without one); null when the file has no annotation signal.
   */
  recordStartsSec: Float64Array | null;
  /** Onsets in seconds after the header's start time, in file order. */
  annotations: Annotation[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;

/** A garbled TAL quoted so control bytes show. */
const quote = (text: string) => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);

/** The bytes of signal `s` in data record `r`: a slice of the whole file, or read from it on demand. */
export type SignalBytes = (r: number, s: EdfSignalHeader) => Uint8Array;

/** The bytes of signal `s` in record `r` of a file held whole. */
export const signalBytesOf =
  (bytes: Uint8Array, h: EdfHeader): SignalBytes =>
  (r, s) => {
    const start = h.headerBytes + r * h.recordBytes + s.recordOffset;
    return bytes.subarray(start, start + s.samplesPerRecord * h.bytesPerSample);
  };

export function readTals(signalBytes: SignalBytes, h: EdfHeader, records: number, path: string): Tals {
  const signals = h.signals.filter((s) => s.isAnnotation);
  if (signals.length === 0) return { recordStartsSec: null, annotations: [] };
  const recordStartsSec = new Float64Array(records).fill(NaN);
  const annotations: Annotation[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let r = 0; r < records; r++) {
    signals.forEach((s, which) => {
      const bytes = signalBytes(r, s);
      // Most records carry their time-keeping TAL alone: read without decoding text (a day of 1-s records is 86,400 of them).
      const onset = timeKeepingOnly(bytes);
      if (onset !== null) {
        if (which === 0) recordStartsSec[r] = onset;
        return;
      }
      const text = decoder.decode(bytes);
      const tals = text.split('\x00').filter((t) => t.length > 0);
      tals.forEach((tal, k) => {
        const garbled = (what: string) => new DataError(path, `garbled annotation in data record ${r + 1}: ${what} in ${quote(tal)}`);
        const timingEnd = tal.indexOf('\x14');
        if (timingEnd < 0) throw garbled('no onset separator');
        const [onsetText, durationText = '', ...extra] = tal.slice(0, timingEnd).split('\x15');
        if (!ONSET.test(onsetText)) throw garbled(`onset ${quote(onsetText)}`);
        if (extra.length > 0 || (durationText !== '' && !DURATION.test(durationText))) throw garbled(`duration ${quote(durationText)}`);
        const onsetSec = Number(onsetText);
        const durationSec = durationText === '' ? 0 : Number(durationText);
        if (which === 0 && k === 0) recordStartsSec[r] = onsetSec;
        for (const label of tal.slice(timingEnd + 1).split('\x14')) {
          if (label.length > 0) annotations.push({ onsetSec, durationSec, text: label });
        }
      });
    });
  }
  return { recordStartsSec, annotations };
}

/** The onset of a TAL block that is `+<onset>\x14\x14\x00` and zero padding, nothing else; null for any other. */
function timeKeepingOnly(b: Uint8Array): number | null {
  let i = 1;
  while (i < b.length && ((b[i] >= 0x30 && b[i] <= 0x39) || b[i] === 0x2e)) i++;
  if (b[0] !== 0x2b || b[i] !== 0x14 || b[i + 1] !== 0x14 || b[i + 2] !== 0) return null;
  for (let k = i + 3; k < b.length; k++) if (b[k] !== 0) return null;
  const text = String.fromCharCode(...b.subarray(0, i));
  return ONSET.test(text) ? Number(text) : null;
}
