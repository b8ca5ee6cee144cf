/**
 * An EDF+ (or BDF+) copy of a recording carrying edited annotations, the original left as it is.
 * Every signal's header and data bytes are copied unchanged — the copy's samples are the
 * original's, digit for digit — and the file's annotation signals are replaced by one new
 * annotation signal: each record's time-keeping TAL (its start as the original says it, or
 * record × duration for a file without one) and the events whose onsets fall in that record.
 * Written a block of records at a time to a temp file, then renamed: a day-long file is never held
 * whole, and a failed copy leaves nothing half-written under the copy's name.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { DataError, type Annotation } from '../../core/eeg';
import { readTals } from './edf-annotations';
import type { EdfHeader, EdfSignalHeader } from './edf-header';
import { blockReader, readAt, readHeaderAt } from './edf-reader';
import { writeAtomicSync } from '../fs-atomic';
import { fileSystemProblem, regularFileSize } from './input-file';

/** Records read and written together: a few MB at clinical rates. */
const BLOCK_RECORDS = 256;
/** Signal header fields in file order with their widths (EDF spec); a header holds each field for every signal in turn. */
const FIELDS = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32] as const;

/** Where a recording's annotated copy goes: beside it, `.annotated` before its extension. */
export function annotatedCopyPath(source: string): string {
  const ext = extname(source);
  return `${source.slice(0, source.length - ext.length)}.annotated${ext || '.edf'}`;
}

/** Writes `dest`, a copy of the EDF/BDF file `source` whose annotations are `annotations` (onsets from the first record's start, as read). */
export async function writeAnnotatedEdfCopy(source: string, dest: string, annotations: readonly Annotation[]): Promise<void> {
  if (dest === source) throw new DataError(dest, 'an annotated copy is never written over its original');
  const size = await regularFileSize(source, Number.MAX_SAFE_INTEGER);
  const fd = openForReading(source);
  try {
    const h = readHeaderAt(fd, size, source);
    const records = Math.floor((size - h.headerBytes) / h.recordBytes);
    if (records < 1) throw new DataError(source, 'no complete data record to copy');
    const starts = recordStarts(fd, h, records, source);
    const kept = h.signals.filter((s) => !s.isAnnotation);
    const tals = recordTals(
      starts,
      annotations.map((a) => ({ ...a, onsetSec: a.onsetSec + starts[0] })),
    );
    const talSamples = Math.ceil(Math.max(...tals.map((t) => t.length)) / h.bytesPerSample);
    const header = copyHeader(readAt(fd, 0, h.headerBytes, source), h, kept, talSamples, records);
    writeAtomicSync(dest, (out) => {
      let at = writeAll(out, header, 0);
      for (let first = 0; first < records; first += BLOCK_RECORDS) {
        const n = Math.min(BLOCK_RECORDS, records - first);
        const block = readAt(fd, h.headerBytes + first * h.recordBytes, n * h.recordBytes, source);
        at = writeAll(out, copyRecords(block, n, h, kept, tals.slice(first, first + n), talSamples), at);
      }
    });
  } finally {
    closeSync(fd);
  }
}

/** Each record's start in seconds after the header's start time: from the time-keeping TALs where the file has them, else back to back. */
function recordStarts(fd: number, h: EdfHeader, records: number, path: string): Float64Array {
  const { recordStartsSec } = readTals(blockReader(fd, h, records, path), h, records, path);
  return Float64Array.from({ length: records }, (_, r) => (recordStartsSec && Number.isFinite(recordStartsSec[r]) ? recordStartsSec[r] : r * h.recordDurationSec));
}

/** Each record's TAL bytes: its time-keeping entry, then the events whose onsets it holds (those before the first record go in the first, those after the last in the last). */
function recordTals(starts: Float64Array, annotations: readonly Annotation[]): Uint8Array[] {
  const events: string[][] = Array.from({ length: starts.length }, () => []);
  // In onset order, so the record search goes on from where the last event was filed: one pass over a day's records.
  let r = 0;
  for (const a of [...annotations].sort((x, y) => x.onsetSec - y.onsetSec)) {
    while (r + 1 < starts.length && starts[r + 1] <= a.onsetSec) r++;
    const duration = a.durationSec > 0 ? `\x15${seconds(a.durationSec)}` : '';
    events[r].push(`${signed(a.onsetSec)}${duration}\x14${printable(a.text)}\x14\x00`);
  }
  const encoder = new TextEncoder();
  return events.map((list, r) => encoder.encode(`${signed(starts[r])}\x14\x14\x00${list.join('')}`));
}

/** TAL separators (0x00, 0x14, 0x15) and other control characters in an event's text would end or garble its TAL: spaces instead. */
const printable = (text: string) => Array.from(text, (c) => (c.charCodeAt(0) < 0x20 ? ' ' : c)).join('');
const seconds = (sec: number) => String(+sec.toFixed(6));
const signed = (sec: number) => (sec < 0 ? `-${seconds(-sec)}` : `+${seconds(sec)}`);

/** The original header with the kept signals' fields copied, one annotation signal added, the record count said, and the file marked EDF+/BDF+. */
function copyHeader(original: Uint8Array, h: EdfHeader, kept: EdfSignalHeader[], talSamples: number, records: number): Uint8Array {
  const ns = kept.length + 1;
  const out = new Uint8Array(256 * (ns + 1));
  out.set(original.subarray(0, 256));
  const keptIndex = kept.map((s) => h.signals.indexOf(s));
  const bdf = h.kind === 'bdf';
  const annotation = [`${bdf ? 'BDF' : 'EDF'} Annotations`, '', '', '-1', '1', String(bdf ? -8388608 : -32768), String(bdf ? 8388607 : 32767), '', String(talSamples), ''];
  let at = 256;
  let fieldStart = 256;
  FIELDS.forEach((width, f) => {
    for (const i of keptIndex) {
      out.set(original.subarray(fieldStart + i * width, fieldStart + (i + 1) * width), at);
      at += width;
    }
    ascii(out, at, width, annotation[f]);
    at += width;
    fieldStart += h.signals.length * width;
  });
  ascii(out, 184, 8, String(out.length));
  ascii(out, 192, 44, `${bdf ? 'BDF' : 'EDF'}+${h.plus === 'D' ? 'D' : 'C'}`);
  ascii(out, 236, 8, String(records));
  ascii(out, 252, 4, String(ns));
  return out;
}

/** `n` records of the original re-laid: the kept signals' bytes in order, then the TAL padded with zeros. */
function copyRecords(block: Uint8Array, n: number, h: EdfHeader, kept: EdfSignalHeader[], tals: Uint8Array[], talSamples: number): Uint8Array {
  const signalBytes = kept.reduce((sum, s) => sum + s.samplesPerRecord * h.bytesPerSample, 0);
  const recordBytes = signalBytes + talSamples * h.bytesPerSample;
  const out = new Uint8Array(n * recordBytes);
  for (let r = 0; r < n; r++) {
    let at = r * recordBytes;
    for (const s of kept) {
      const from = r * h.recordBytes + s.recordOffset;
      const length = s.samplesPerRecord * h.bytesPerSample;
      out.set(block.subarray(from, from + length), at);
      at += length;
    }
    out.set(tals[r], at);
  }
  return out;
}

/** Writes `text` left-aligned into a field of `width` bytes, space-padded, as EDF's ASCII header fields are. */
function ascii(out: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < width; i++) out[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
}

function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new DataError(path, fileSystemProblem(err));
  }
}

/** All of `bytes` at `position`; the position after them. Failures are said by writeAtomicSync, naming the copy. */
function writeAll(fd: number, bytes: Uint8Array, position: number): number {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  return position + done;
}
