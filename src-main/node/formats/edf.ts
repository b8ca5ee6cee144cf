/**
 * EDF, EDF+ (continuous and discontinuous) and BDF/BDF+ reading: digital→physical scaling per
 * signal, TAL annotations, per-signal rates resampled to one rate with an anti-aliasing filter,
 * discontinuous records placed at their true times with NaN in the gaps.
 */
import { readFile } from 'node:fs/promises';
import { DataError, HMS_SAMPLE_RATE_HZ, type Annotation, type Recording } from '../../core/eeg';
import { normaliseChannelLabel } from '../../core/channels';
import { resampleTo } from '../../core/resample';
import { edfStartIso, parseEdfHeader, type EdfHeader } from './edf-header';

export interface ReadEdfOptions {
  /** Rate of the returned recording; 200 Hz (HMS) unless given; null keeps a shared native rate. */
  targetRateHz?: number | null;
}

export async function readEdf(path: string, opts: ReadEdfOptions = {}): Promise<Recording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseEdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, opts);
}

export function parseEdf(bytes: Uint8Array, path: string, opts: ReadEdfOptions = {}): Recording {
  const h = parseEdfHeader(bytes, path);
  const records = countRecords(h, bytes.length, path);
  const eegSignals = h.signals.map((s, i) => ({ s, i })).filter(({ s }) => !s.isAnnotation);
  if (eegSignals.length === 0) throw new DataError(path, 'the file holds annotations only, no signals');

  const offsets: number[] = [];
  let at = 0;
  for (const s of h.signals) {
    offsets.push(at);
    at += s.samplesPerRecord * h.bytesPerSample;
  }
  const annotationIndex = h.signals.findIndex((s) => s.isAnnotation);
  const { starts, annotations } = readTals(bytes, h, records, annotationIndex >= 0 ? offsets[annotationIndex] : -1, path);
  const durationSec = records === 0 ? 0 : Math.max(...starts) + h.recordDurationSec;

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const native = eegSignals.map(({ s, i }) => {
    const rateHz = s.samplesPerRecord / h.recordDurationSec;
    const total = Math.round(durationSec * rateHz);
    const out = new Float32Array(total).fill(h.plus === 'D' ? NaN : 0);
    const gain = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
    const base = s.physicalMin - s.digitalMin * gain;
    const unitScale = toMicrovolts(s.physicalDimension);
    for (let r = 0; r < records; r++) {
      const start = Math.round(starts[r] * rateHz);
      let p = h.headerBytes + r * h.recordBytes + offsets[i];
      const n = Math.min(s.samplesPerRecord, total - start);
      for (let k = 0; k < n; k++, p += h.bytesPerSample) {
        const dig = h.bytesPerSample === 2 ? view.getInt16(p, true) : (view.getUint16(p, true) | (view.getInt8(p + 2) << 16));
        out[start + k] = (base + dig * gain) * unitScale;
      }
    }
    return { label: s.label, unit: unitScale === 1 ? s.physicalDimension : 'uV', rateHz, data: out };
  });

  const rates = [...new Set(native.map((n) => n.rateHz))];
  const targetRateHz = opts.targetRateHz === null ? (rates.length === 1 ? rates[0] : null) : (opts.targetRateHz ?? HMS_SAMPLE_RATE_HZ);
  if (targetRateHz === null) throw new DataError(path, `signals have different rates (${rates.join(', ')} Hz); choose a target rate`);
  let data: Float32Array[];
  try {
    data = native.map((n) => resampleTo(n.data, n.rateHz, targetRateHz));
  } catch (err) {
    throw new DataError(path, (err as Error).message);
  }
  const samples = Math.min(...data.map((d) => d.length));
  return {
    channels: native.map((n) => normaliseChannelLabel(n.label)),
    sampleRateHz: targetRateHz,
    data: data.map((d) => (d.length === samples ? d : d.subarray(0, samples))),
    units: native.map((n) => n.unit),
    annotations,
    source: {
      path,
      format: h.kind === 'bdf' ? 'bdf' : h.plus === 'D' ? 'edf+d' : h.plus === 'C' ? 'edf+c' : 'edf',
      startTime: edfStartIso(h),
      patientId: h.plus ? h.patient.split(' ')[0] || undefined : undefined,
    },
  };
}

/** Voltage signals become µV; anything else keeps its own unit. */
function toMicrovolts(dimension: string): number {
  switch (dimension.trim()) {
    case 'uV':
    case 'µV':
    case 'UV':
      return 1;
    case 'mV':
      return 1e3;
    case 'V':
      return 1e6;
    case 'nV':
      return 1e-3;
    default:
      return 1;
  }
}

function countRecords(h: EdfHeader, fileBytes: number, path: string): number {
  const available = Math.floor((fileBytes - h.headerBytes) / h.recordBytes);
  if (h.declaredRecords === -1) return available;
  if (h.declaredRecords > available) {
    throw new DataError(path, `the header declares ${h.declaredRecords} data records but the file holds ${available} (truncated?)`);
  }
  return h.declaredRecords;
}

const TAL_ONSET = /^[+-]\d+(\.\d*)?$/;

/** Record start times (from the time-keeping TALs of EDF+, else consecutive) and the annotations. */
function readTals(bytes: Uint8Array, h: EdfHeader, records: number, offset: number, path: string) {
  const starts = Array.from({ length: records }, (_, r) => r * h.recordDurationSec);
  const annotations: Annotation[] = [];
  if (offset < 0) return { starts, annotations };
  const length = h.signals.find((s) => s.isAnnotation)!.samplesPerRecord * h.bytesPerSample;
  const decoder = new TextDecoder('utf-8');
  for (let r = 0; r < records; r++) {
    const base = h.headerBytes + r * h.recordBytes + offset;
    const text = decoder.decode(bytes.subarray(base, base + length));
    const tals = text.split('\x00').filter((t) => t.length > 0);
    tals.forEach((tal, k) => {
      const parts = tal.split('\x14');
      const [timing, ...texts] = parts;
      const [onsetText, durationText] = timing.split('\x15');
      if (!TAL_ONSET.test(onsetText)) throw new DataError(path, `garbled annotation in data record ${r + 1}: onset "${onsetText.slice(0, 20)}"`);
      const onsetSec = Number(onsetText);
      const durationSec = durationText === undefined || durationText === '' ? 0 : Number(durationText);
      if (!Number.isFinite(durationSec)) throw new DataError(path, `garbled annotation duration in data record ${r + 1}`);
      const labels = texts.filter((t) => t.length > 0);
      // The first TAL of each record keeps time: it says when the record starts.
      if (k === 0 && labels.length === 0) starts[r] = onsetSec;
      else for (const label of labels) annotations.push({ onsetSec, durationSec, text: label });
    });
  }
  // Times count from the first record (its onset is the file's start time plus a subsecond offset).
  const origin = starts[0] ?? 0;
  for (let r = 0; r < records; r++) {
    starts[r] -= origin;
    if (r > 0 && starts[r] < starts[r - 1] + h.recordDurationSec - 1e-6) {
      throw new DataError(path, `data record ${r + 1} starts at ${starts[r]} s, before record ${r} ends`);
    }
  }
  for (const a of annotations) a.onsetSec -= origin;
  return { starts, annotations };
}
