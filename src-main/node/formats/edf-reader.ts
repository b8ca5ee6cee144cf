/**
 * EDF / EDF+ / BDF read by data records on demand, for recordings of days: the open file keeps its
 * header, its annotations and a file handle, and `read` decodes a range of samples with positioned
 * reads of the records under it. Values equal `parseEdf`'s (edf.ts) sample for sample: the same
 * decoding, and the resampling filter run over the range widened by its reach, cut where the
 * whole-file polyphase grid would put it. EDF+D gaps are stretches between `segments`, never
 * samples held in memory; a range that falls in a gap reads as NaN.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError, type Annotation, type RecordingFormat } from '../../core/eeg';
import { normaliseChannelLabel } from '../../core/channels';
import { resamplePoly, resampleRatio } from '../../core/resample';
import type { SignalBytes } from './edf-annotations';
import { edfPatientCode, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './edf-header';
import { decode16, decode24, edfFormat, edfLayout, voltageScale, type ReadEdfOptions } from './edf';
import { fileSystemProblem, regularFileSize } from './input-file';

/** Seconds a record layout may span before its time-keeping is taken as damaged (a year: far past any EEG). */
const MAX_SPAN_SEC = 366 * 86400;

/** A stretch of contiguous data records, in samples at the reader's rate: [start, end). */
export type Segment = [number, number];

interface Signal {
  header: EdfSignalHeader;
  rateHz: number;
  /** Physical value = offset + gain × digital, in µV for a voltage. */
  gain: number;
  offset: number;
  /** The resampling ratio to the reader's rate, null when the signal is at it. */
  ratio: { up: number; down: number } | null;
  /** Samples of the signal's own timeline (at its native rate). */
  nativeSamples: number;
}

export class EdfReader {
  private constructor(
    private fd: number | null,
    readonly path: string,
    private readonly h: EdfHeader,
    private readonly signals: Signal[],
    private readonly records: number,
    /** EDF+D record starts in seconds from the first; null when records are contiguous. */
    private readonly startsSec: Float64Array | null,
    readonly sampleRateHz: number,
    readonly annotations: Annotation[],
    readonly startTime: string | undefined,
  ) {}

  /** Opens a file and reads its header and annotations; every check `parseEdf` makes is made here. */
  static async open(path: string, opts: ReadEdfOptions = {}): Promise<EdfReader> {
    const size = await regularFileSize(path, Number.MAX_SAFE_INTEGER);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw new DataError(path, fileSystemProblem(err));
    }
    try {
      return EdfReader.fromFile(fd, size, path, opts);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  private static fromFile(fd: number, size: number, path: string, opts: ReadEdfOptions): EdfReader {
    const h = readHeaderAt(fd, size, path);
    const { signals, records, startsSec, rates, rateHz, annotations, startTime } = edfLayout(
      h,
      size,
      (records) => blockReader(fd, h, records, path),
      path,
      opts,
      ({ spanSec }) => {
        if (!(spanSec <= MAX_SPAN_SEC)) {
          throw new DataError(path, `the data records span ${(spanSec / 86400).toPrecision(3)} days: past a year, the file's time-keeping is damaged`);
        }
      },
    );
    const described = signals.map((s, c) => describeSignal(s, rates[c], rateHz, records, startsSec, path));
    return new EdfReader(fd, path, h, described, records, startsSec, rateHz, annotations, startTime);
  }

  get channels(): string[] {
    return this.signals.map((s) => normaliseChannelLabel(s.header.label));
  }

  get units(): string[] {
    return this.signals.map((s) => voltageScale(s.header.physicalDimension).unit);
  }

  get format(): RecordingFormat {
    return edfFormat(this.h);
  }

  get patientId(): string | undefined {
    return edfPatientCode(this.h);
  }

  /** Samples per channel at the reader's rate: the shortest signal's, as `parseEdf` cuts them. */
  get samples(): number {
    return Math.min(...this.signals.map((s) => outputSamples(s)));
  }

  /** Contiguous runs of records (one for EDF and EDF+C), in samples at the reader's rate; between them the file holds nothing. */
  get segments(): Segment[] {
    const fs = this.sampleRateHz;
    const total = this.samples;
    if (!this.startsSec) return [[0, total]];
    const out: Segment[] = [];
    const d = this.h.recordDurationSec;
    for (let r = 0; r < this.records; r++) {
      const from = Math.round(this.startsSec[r] * fs);
      const to = Math.min(total, Math.round((this.startsSec[r] + d) * fs));
      const last = out[out.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else if (to > from) out.push([from, to]);
    }
    return out;
  }

  /** Samples [from, to) at the reader's rate of the signals `which` (all unless given), NaN where the file has no record. */
  read(from: number, to: number, which?: readonly number[]): Float32Array[] {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, 'r');
      } catch (err) {
        throw new DataError(this.path, fileSystemProblem(err));
      }
    }
    const total = this.samples;
    const a = Math.max(0, Math.min(from, total));
    const b = Math.max(a, Math.min(to, total));
    const wanted = (which ?? this.signals.map((_, i) => i)).map((i) => this.signals[i]);
    // The records under every wanted signal's range, read once for all of them.
    const ranges = wanted.map((s) => nativeRange(s, a, b));
    const records = ranges.map(([lo, hi], k) => this.recordRange(wanted[k], lo, hi));
    const r0 = Math.min(...records.map(([r]) => r));
    const r1 = Math.max(...records.map(([, r]) => r));
    const h = this.h;
    const bytes = r1 > r0 ? readAt(this.fd, h.headerBytes + r0 * h.recordBytes, (r1 - r0) * h.recordBytes, this.path) : new Uint8Array(0);
    return wanted.map((s, k) => {
      const [lo, hi] = ranges[k];
      const native = this.decode(s, lo, hi, bytes, r0, records[k]);
      if (!s.ratio) return native;
      const shift = (lo / s.ratio.down) * s.ratio.up;
      return Float32Array.from(resamplePoly(native, s.ratio.up, s.ratio.down).subarray(a - shift, b - shift));
    });
  }

  /** Lets the file go; a later read opens it again. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Where signal `s`'s record r starts on its own timeline. */
  private at(s: Signal, r: number): number {
    return this.startsSec ? Math.round(this.startsSec[r] * s.rateHz) : r * s.header.samplesPerRecord;
  }

  /** The records [r0, r1) that hold native samples [from, to) of `s`. */
  private recordRange(s: Signal, from: number, to: number): [number, number] {
    if (to <= from) return [this.records, this.records];
    const r0 = this.startsSec
      ? Math.max(
          0,
          lastAtOrBefore(this.records, (r) => this.at(s, r), from),
        )
      : Math.floor(from / s.header.samplesPerRecord);
    let r1 = r0;
    while (r1 < this.records && this.at(s, r1) < to) r1++;
    return [r0, r1];
  }

  /** Native samples [from, to) of one signal, decoded from `bytes` (the records from `base` on); NaN where no record is. */
  private decode(s: Signal, from: number, to: number, bytes: Uint8Array, base: number, [r0, r1]: [number, number]): Float32Array {
    const out = new Float32Array(Math.max(0, to - from));
    if (this.startsSec) out.fill(NaN);
    const spr = s.header.samplesPerRecord;
    const { recordBytes, bytesPerSample } = this.h;
    const decode = bytesPerSample === 2 ? decode16 : decode24;
    for (let r = r0; r < r1; r++) {
      const start = this.at(s, r);
      const k0 = Math.max(0, from - start);
      const k1 = Math.min(spr, to - start);
      if (k1 > k0) decode(bytes, (r - base) * recordBytes + s.header.recordOffset + k0 * bytesPerSample, out, start + k0 - from, k1 - k0, s.gain, s.offset);
    }
    return out;
  }
}

/**
 * The native samples [lo, hi) that give samples [from, to) at the reader's rate. The resampling
 * filter reaches 10·max(up, down) upsampled samples each way; starting on a multiple of `down`
 * keeps the outputs on the whole-file grid.
 */
function nativeRange(s: Signal, from: number, to: number): [number, number] {
  if (!s.ratio) return [from, to];
  const { up, down } = s.ratio;
  const reach = Math.ceil((10 * Math.max(up, down)) / up) + 2;
  const lo = Math.max(0, Math.floor(((from * down) / up - reach) / down)) * down;
  return [lo, Math.min(s.nativeSamples, Math.ceil((to * down) / up) + reach)];
}

function describeSignal(s: EdfSignalHeader, rateHz: number, targetHz: number, records: number, startsSec: Float64Array | null, path: string): Signal {
  const { scale } = voltageScale(s.physicalDimension);
  const gain = ((s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin)) * scale;
  const spr = s.samplesPerRecord;
  const nativeSamples = (startsSec ? Math.round(startsSec[records - 1] * rateHz) : (records - 1) * spr) + spr;
  let ratio: Signal['ratio'] = null;
  if (rateHz !== targetHz) {
    try {
      ratio = resampleRatio(rateHz, targetHz);
    } catch (err) {
      throw new DataError(path, `signal ${s.label}: ${(err as Error).message}`);
    }
  }
  return { header: s, rateHz, gain, offset: s.physicalMin * scale - s.digitalMin * gain, ratio, nativeSamples };
}

/** Length of a signal at the reader's rate, as resample_poly gives it. */
function outputSamples(s: Signal): number {
  return s.ratio ? Math.ceil((s.nativeSamples * s.ratio.up) / s.ratio.down) : s.nativeSamples;
}

/** Bytes read at a time when the annotations are scanned: one read of many small records costs less than a read of each. */
const SCAN_BLOCK_BYTES = 2 ** 20;

/** The header of an open EDF/BDF file: its fixed part says how many signal headers follow it. */
export function readHeaderAt(fd: number, size: number, path: string): EdfHeader {
  const first = readAt(fd, 0, Math.min(size, 256), path);
  const ns = Number(String.fromCharCode(...first.subarray(252, 256)).trim());
  return parseEdfHeader(Number.isInteger(ns) && ns > 0 ? readAt(fd, 0, Math.min(size, 256 * (ns + 1)), path) : first, path);
}

/** Signal bytes of record r, from whole records read a block at a time, in order. */
export function blockReader(fd: number, h: EdfHeader, records: number, path: string): SignalBytes {
  const perBlock = Math.max(1, Math.floor(SCAN_BLOCK_BYTES / h.recordBytes));
  let first = -1;
  let block: Uint8Array = new Uint8Array(0);
  return (r, s) => {
    if (first < 0 || r < first || r >= first + perBlock) {
      first = r;
      block = readAt(fd, h.headerBytes + r * h.recordBytes, Math.min(perBlock, records - r) * h.recordBytes, path);
    }
    const at = (r - first) * h.recordBytes + s.recordOffset;
    return block.subarray(at, at + s.samplesPerRecord * h.bytesPerSample);
  };
}

/** The last record starting at or before `sample` (−1 if none), by bisection over increasing starts. */
function lastAtOrBefore(records: number, at: (r: number) => number, sample: number): number {
  let lo = -1;
  let hi = records - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (at(mid) <= sample) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `length` bytes at `position`; a file shorter than that (cut while open) is an error naming it. */
export function readAt(fd: number | null, position: number, length: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd!, out, done, length - done, position + done);
      if (n === 0) throw new DataError(path, `the file ends at byte ${position + done}, inside a data record it declares (changed while open?)`);
      done += n;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(path, fileSystemProblem(err));
  }
  return out;
}
