/**
 * EDF, EDF+ (continuous and discontinuous) and BDF/BDF+ reading: digital→physical scaling per
 * signal, voltages in µV, TAL annotations, per-signal rates resampled to one rate with an
 * anti-aliasing filter, discontinuous records placed at their true times with NaN in the gaps.
 *
 * Files that disagree with themselves, and what we do:
 * - Record count: the file size decides. A count of -1 (never filled in), a last record cut short,
 *   or trailing bytes shorter than a record pass quietly; any other mismatch with the header's
 *   count is read as far as whole records go, and reported through `onWarning`.
 * - EDF+C and plain EDF records are contiguous whatever their time-keeping TALs say; only EDF+D
 *   places records at their TAL times, NaN between them (resampling widens a gap by the filter's
 *   reach, ~50 ms). Time 0 is the first record's start (the header's start time plus that
 *   record's TAL onset), and annotation onsets count from it too.
 * - A garbled TAL refuses the file, as every other broken field does: EDF+D timing rests on them.
 * - A rate from an 8-character record duration that cannot be exact (1/256 s written '0.003906')
 *   is snapped to the whole Hz it is within 0.01 % of.
 */
import { DataError, HMS_SAMPLE_RATE_HZ, type Recording } from '../../core/eeg';
import { readInputFile } from './input-file';
import { normaliseChannelLabel } from '../../core/channels';
import { resampleTo } from '../../core/resample';
import { readTals } from './edf-annotations';
import { edfPatientCode, edfStartIso, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './edf-header';

export interface ReadEdfOptions {
  /** Rate of the returned recording: 200 Hz (HMS) unless given; null keeps the native rate when all signals share it. */
  targetRateHz?: number | null;
  /** A file that can be read but disagrees with itself; a process warning unless handled here. */
  onWarning?: (warning: DataError) => void;
}

/** Samples at native rates, summed over signals, beyond which a timeline is refused (4 GiB as float32). */
const MAX_TIMELINE_SAMPLES = 2 ** 30;

export async function readEdf(path: string, opts: ReadEdfOptions = {}): Promise<Recording> {
  const bytes = await readInputFile(path);
  return parseEdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, opts);
}

export function parseEdf(bytes: Uint8Array, path: string, opts: ReadEdfOptions = {}): Recording {
  const warn = opts.onWarning ?? ((w: DataError) => process.emitWarning(w.message, 'DataWarning'));
  const h = parseEdfHeader(bytes, path);
  const signals = h.signals.filter((s) => !s.isAnnotation);
  if (signals.length === 0) throw new DataError(path, 'the file holds annotations only, no signals');
  const records = countRecords(h, bytes.length, path, warn);
  const tals = readTals(bytes, h, records, path);
  const originSec = tals.recordStartsSec && Number.isFinite(tals.recordStartsSec[0]) ? tals.recordStartsSec[0] : 0;
  let startsSec: Float64Array | null = null;
  if (h.plus === 'D' && tals.recordStartsSec) startsSec = discontinuousStarts(tals.recordStartsSec, originSec, h, path);
  else if (h.plus === 'D') warn(new DataError(path, 'EDF+D without an annotation signal: records read as contiguous'));
  const spanSec = startsSec ? startsSec[records - 1] + h.recordDurationSec : records * h.recordDurationSec;

  const rates = signals.map((s) => signalRateHz(s, h));
  const timeline = rates.reduce((n, rate) => n + spanSec * rate, 0);
  if (timeline > MAX_TIMELINE_SAMPLES) {
    throw new DataError(path, `the data records span ${(spanSec / 3600).toFixed(1)} h: ${(timeline * 4 / 2 ** 30).toFixed(1)} GiB of samples, more than fits in memory`);
  }
  const distinct = [...new Set(rates)];
  const targetRateHz = opts.targetRateHz === null ? (distinct.length === 1 ? distinct[0] : null) : (opts.targetRateHz ?? HMS_SAMPLE_RATE_HZ);
  if (targetRateHz === null) throw new DataError(path, `signals have different rates (${distinct.join(', ')} Hz); choose a target rate`);

  // One signal at a time, decoded then resampled, so only one native-rate copy is alive at once.
  const data = signals.map((s, c) => {
    const native = decodeSignal(bytes, h, s, records, startsSec, rates[c]);
    if (rates[c] === targetRateHz) return native;
    try {
      return resampleTo(native, rates[c], targetRateHz);
    } catch (err) {
      throw new DataError(path, `signal ${s.label}: ${(err as Error).message}`);
    }
  });
  const samples = Math.min(...data.map((d) => d.length));
  return {
    channels: signals.map((s) => normaliseChannelLabel(s.label)),
    sampleRateHz: targetRateHz,
    data: data.map((d) => (d.length === samples ? d : d.slice(0, samples))),
    units: signals.map((s) => voltageScale(s.physicalDimension).unit),
    annotations: tals.annotations.map((a) => ({ ...a, onsetSec: a.onsetSec - originSec })),
    source: {
      path,
      format: h.kind === 'bdf' ? 'bdf' : h.plus === 'D' ? 'edf+d' : h.plus === 'C' ? 'edf+c' : 'edf',
      startTime: shiftIso(edfStartIso(h), originSec),
      patientId: edfPatientCode(h),
    },
  };
}

function countRecords(h: EdfHeader, fileBytes: number, path: string, warn: (w: DataError) => void): number {
  const dataBytes = fileBytes - h.headerBytes;
  const whole = Math.floor(dataBytes / h.recordBytes);
  const partial = dataBytes % h.recordBytes > 0;
  if (whole === 0) {
    throw new DataError(path, `no complete data record: ${dataBytes} bytes after the header, one record takes ${h.recordBytes}`);
  }
  const declared = h.declaredRecords;
  if (declared !== -1 && declared !== whole && !(declared === whole + 1 && partial)) {
    const problem = declared > whole ? `only ${whole} (truncated?)` : `${whole}`;
    warn(new DataError(path, `the header declares ${declared} data records but the file holds ${problem}; reading ${whole}`));
  }
  return whole;
}

/** EDF+D record starts relative to the first record, checked to run forwards without overlap. */
function discontinuousStarts(raw: Float64Array, originSec: number, h: EdfHeader, path: string): Float64Array {
  const starts = new Float64Array(raw.length);
  for (let r = 0; r < raw.length; r++) {
    if (!Number.isFinite(raw[r])) throw new DataError(path, `data record ${r + 1} of an EDF+D file has no time-keeping annotation`);
    starts[r] = raw[r] - originSec;
    if (r > 0 && starts[r] < starts[r - 1] + h.recordDurationSec - 1e-6) {
      throw new DataError(path, `data record ${r + 1} starts at ${starts[r]} s, before record ${r} ends`);
    }
  }
  return starts;
}

function signalRateHz(s: EdfSignalHeader, h: EdfHeader): number {
  const rate = s.samplesPerRecord / h.recordDurationSec;
  const whole = Math.round(rate);
  return Math.abs(rate - whole) <= 1e-4 * rate ? whole : rate;
}

/** Physical dimension → the unit we report and the factor into it: any voltage becomes µV. */
function voltageScale(dimension: string): { unit: string; scale: number } {
  switch (dimension.trim().toLowerCase()) {
    case 'uv':
    case 'µv':
    case 'μv':
      return { unit: 'uV', scale: 1 };
    case 'mv':
      return { unit: 'uV', scale: 1e3 };
    case 'v':
      return { unit: 'uV', scale: 1e6 };
    case 'nv':
      return { unit: 'uV', scale: 1e-3 };
    default:
      return { unit: dimension.trim(), scale: 1 };
  }
}

/** One signal's physical values on its timeline: contiguous, or EDF+D records at their starts with NaN between. */
function decodeSignal(bytes: Uint8Array, h: EdfHeader, s: EdfSignalHeader, records: number, startsSec: Float64Array | null, rateHz: number): Float32Array {
  const spr = s.samplesPerRecord;
  const at = (r: number) => (startsSec ? Math.round(startsSec[r] * rateHz) : r * spr);
  const out = new Float32Array(at(records - 1) + spr);
  if (startsSec) out.fill(NaN);
  const { scale } = voltageScale(s.physicalDimension);
  const gain = ((s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin)) * scale;
  const offset = s.physicalMin * scale - s.digitalMin * gain;
  const decode = h.bytesPerSample === 2 ? decode16 : decode24;
  for (let r = 0; r < records; r++) decode(bytes, h.headerBytes + r * h.recordBytes + s.recordOffset, out, at(r), spr, gain, offset);
  return out;
}

/** Little-endian int16: the high byte shifted up to bit 31 and back sign-extends it. */
function decode16(bytes: Uint8Array, p: number, out: Float32Array, at: number, n: number, gain: number, offset: number) {
  for (let k = 0; k < n; k++, p += 2) out[at + k] = offset + gain * (bytes[p] | ((bytes[p + 1] << 24) >> 16));
}

function decode24(bytes: Uint8Array, p: number, out: Float32Array, at: number, n: number, gain: number, offset: number) {
  for (let k = 0; k < n; k++, p += 3) out[at + k] = offset + gain * (bytes[p] | (bytes[p + 1] << 8) | ((bytes[p + 2] << 24) >> 8));
}

/** The header's start time moved by the first record's sub-second onset, kept local (no zone) as EDF has none. */
function shiftIso(iso: string | undefined, sec: number): string | undefined {
  if (!iso || sec === 0) return iso;
  const shifted = new Date(Date.parse(`${iso}Z`) + Math.round(sec * 1000)).toISOString().slice(0, -1);
  return shifted.endsWith('.000') ? shifted.slice(0, -4) : shifted;
}
