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
import { type Annotation, DataError, HMS_CHANNELS, HMS_SAMPLE_RATE_HZ, type Recording, type RecordingFormat } from '../../core/eeg';
import { readInputFile } from './input-file';
import { normaliseChannelLabel } from '../../core/channels';
import { resampleTo } from '../../core/resample';
import { readTals, type SignalBytes, signalBytesOf } from './edf-annotations';
import { edfPatientCode, edfStartIso, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './edf-header';

export interface ReadEdfOptions {
  /** Rate of the returned recording: 200 Hz (HMS) unless given; null keeps the native rate when all signals share it. */
  targetRateHz?: number | null;
  /** A file that can be read but disagrees with itself; a process warning unless handled here. */
  onWarning?: (warning: DataError) => void;
}

/** Samples at native rates, summed over signals, beyond which a timeline is refused (4 GiB as float32). */
const MAX_TIMELINE_SAMPLES = 2 ** 30;
/**
 * A whole read holds EDF+D gaps as NaN, and every later step copies them: past this many samples
 * (64 MiB as float32, 70 min of 20 channels at 200 Hz), gaps longer than the data they separate are
 * refused rather than allocated; `EdfReader` reads such a file a stretch at a time.
 */
const MAX_GAP_SAMPLES = 2 ** 24;
/** Below this an EEG signal cannot carry the 0.5–20 Hz band the HMS classes are read in (its Nyquist under 20 Hz). */
export const MIN_EEG_RATE_HZ = 40;
/** Faster than any EEG amplifier samples; a rate past it is a damaged record duration. */
export const MAX_SIGNAL_RATE_HZ = 100_000;
/** ±10 V: a physical range past it, in µV, is not an EEG or ECG electrode's. */
const MAX_EEG_MICROVOLTS = 1e7;

export async function readEdf(path: string, opts: ReadEdfOptions = {}): Promise<Recording> {
  const bytes = await readInputFile(path);
  return parseEdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, opts);
}

export function parseEdf(bytes: Uint8Array, path: string, opts: ReadEdfOptions = {}): Recording {
  const h = parseEdfHeader(bytes, path);
  const layout = edfLayout(
    h,
    bytes.length,
    () => signalBytesOf(bytes, h),
    path,
    opts,
    ({ spanSec, dataSec, rates }) => checkTimeline(spanSec, dataSec, rates, path),
  );
  const { signals, records, startsSec, rates, rateHz } = layout;
  // One signal at a time, decoded then resampled, so only one native-rate copy is alive at once.
  const data = signals.map((s, c) => {
    const native = decodeSignal(bytes, h, s, records, startsSec, rates[c]);
    if (rates[c] === rateHz) return native;
    try {
      return resampleTo(native, rates[c], rateHz);
    } catch (err) {
      throw new DataError(path, `signal ${s.label}: ${(err as Error).message}`);
    }
  });
  const samples = Math.min(...data.map((d) => d.length));
  return {
    channels: signals.map((s) => normaliseChannelLabel(s.label)),
    sampleRateHz: rateHz,
    data: data.map((d) => (d.length === samples ? d : d.slice(0, samples))),
    units: signals.map((s) => voltageScale(s.physicalDimension).unit),
    annotations: layout.annotations,
    source: { path, format: edfFormat(h), startTime: layout.startTime, patientId: edfPatientCode(h) },
  };
}

/** What a file's header and time-keeping annotations say, checked alike for a whole read (`parseEdf`) and a read by records (`EdfReader`). */
export interface EdfLayout {
  /** The signals other than annotations. */
  signals: EdfSignalHeader[];
  records: number;
  /** EDF+D record starts in seconds from the first; null when records are contiguous. */
  startsSec: Float64Array | null;
  /** Each signal's native rate. */
  rates: number[];
  /** The rate samples are read at. */
  rateHz: number;
  /** Onsets from the first record's start. */
  annotations: Annotation[];
  startTime: string | undefined;
}

/**
 * The records, their times, the signals' rates and the rate to read at, every check made;
 * `checkSpan` is the caller's own limit on how long a timeline it can hold (a whole read holds it
 * in memory, a reader by records only needs it sane). `signalBytes` gives the TALs' bytes.
 */
export function edfLayout(
  h: EdfHeader,
  fileBytes: number,
  signalBytes: (records: number) => SignalBytes,
  path: string,
  opts: ReadEdfOptions,
  checkSpan: (span: { spanSec: number; dataSec: number; rates: number[] }) => void,
): EdfLayout {
  const warn = opts.onWarning ?? ((w: DataError) => process.emitWarning(w.message, 'DataWarning'));
  const signals = h.signals.filter((s) => !s.isAnnotation);
  if (signals.length === 0) throw new DataError(path, 'the file holds annotations only, no signals');
  const records = countRecords(h, fileBytes, path, warn);
  const tals = readTals(signalBytes(records), h, records, path);
  const originSec = tals.recordStartsSec && Number.isFinite(tals.recordStartsSec[0]) ? tals.recordStartsSec[0] : 0;
  let startsSec: Float64Array | null = null;
  if (h.plus === 'D' && tals.recordStartsSec) startsSec = discontinuousStarts(tals.recordStartsSec, originSec, h, path);
  else if (h.plus === 'D') warn(new DataError(path, 'EDF+D without an annotation signal: records read as contiguous'));
  const spanSec = startsSec ? startsSec[records - 1] + h.recordDurationSec : records * h.recordDurationSec;
  const rates = signals.map((s) => signalRateHz(s, h));
  signals.forEach((s, c) => checkPlausible(s, rates[c], path));
  checkSpan({ spanSec, dataSec: records * h.recordDurationSec, rates });
  const distinct = [...new Set(rates)];
  const rateHz = opts.targetRateHz === null ? (distinct.length === 1 ? distinct[0] : null) : (opts.targetRateHz ?? HMS_SAMPLE_RATE_HZ);
  if (rateHz === null) throw new DataError(path, `signals have different rates (${distinct.join(', ')} Hz); choose a target rate`);
  return {
    signals,
    records,
    startsSec,
    rates,
    rateHz,
    annotations: tals.annotations.map((a) => ({ ...a, onsetSec: a.onsetSec - originSec })),
    startTime: shiftIso(edfStartIso(h), originSec),
  };
}

export function edfFormat(h: EdfHeader): RecordingFormat {
  return h.kind === 'bdf' ? 'bdf' : h.plus === 'D' ? 'edf+d' : h.plus === 'C' ? 'edf+c' : 'edf';
}

/** The timeline's samples fit in memory, and EDF+D gaps (NaN) do not dwarf the data they separate. */
function checkTimeline(spanSec: number, dataSec: number, rates: number[], path: string): void {
  const perSec = rates.reduce((a, b) => a + b, 0);
  const timeline = spanSec * perSec;
  const gapSec = spanSec - dataSec;
  const hours = (sec: number) => (sec >= 3.6e9 ? `${(sec / 3600).toExponential(1)} h` : sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : `${sec.toFixed(0)} s`);
  if (gapSec * perSec > Math.max(MAX_GAP_SAMPLES, dataSec * perSec)) {
    throw new DataError(
      path,
      `EDF+D whose records span ${hours(spanSec)} but hold ${hours(dataSec)} of data: gaps of ${hours(gapSec)} would take ${((gapSec * perSec * 4) / 2 ** 30).toFixed(1)} GiB to hold whole; such a file is read only a stretch at a time (the viewer, hms inspect, classify --timeline)`,
    );
  }
  if (timeline > MAX_TIMELINE_SAMPLES) {
    throw new DataError(path, `the data records span ${hours(spanSec)}: ${((timeline * 4) / 2 ** 30).toFixed(1)} GiB of samples, more than fits in memory`);
  }
}

/**
 * A signal the HMS layout takes (an electrode or the ECG) must be one: a voltage (or no unit,
 * read as µV), a range that fits float32 and an amplifier, a rate that holds the EEG band.
 * Other signals (temperature, SpO2, markers) may be anything, but never past float32 or 100 kHz.
 */
function checkPlausible(s: EdfSignalHeader, rateHz: number, path: string): void {
  const name = `signal ${s.label || '(unnamed)'}`;
  if (!(rateHz <= MAX_SIGNAL_RATE_HZ))
    throw new DataError(path, `${name} is sampled at ${rateHz.toPrecision(3)} Hz, more than ${MAX_SIGNAL_RATE_HZ / 1000} kHz: its record duration is damaged`);
  const { unit, scale } = voltageScale(s.physicalDimension);
  const extreme = Math.max(Math.abs(s.physicalMin), Math.abs(s.physicalMax)) * scale;
  if (!(extreme <= 3.4e38)) throw new DataError(path, `${name} has a physical range of ±${extreme.toPrecision(3)} ${unit}, past what float32 holds`);
  if (!HMS_CHANNELS.includes(normaliseChannelLabel(s.label))) return;
  if (unit !== 'uV' && unit !== '') throw new DataError(path, `${name} is an EEG or ECG electrode measured in "${unit}", not in volts`);
  if (extreme > MAX_EEG_MICROVOLTS) throw new DataError(path, `${name} has a physical range of ±${extreme.toPrecision(3)} µV, more than the ±10 V any EEG amplifier gives`);
  if (rateHz < MIN_EEG_RATE_HZ)
    throw new DataError(path, `${name} is sampled at ${+rateHz.toPrecision(3)} Hz; EEG needs at least ${MIN_EEG_RATE_HZ} Hz to hold its 0.5–20 Hz band`);
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
export function voltageScale(dimension: string): { unit: string; scale: number } {
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
export function decode16(bytes: Uint8Array, p: number, out: Float32Array, at: number, n: number, gain: number, offset: number) {
  for (let k = 0; k < n; k++, p += 2) out[at + k] = offset + gain * (bytes[p] | ((bytes[p + 1] << 24) >> 16));
}

export function decode24(bytes: Uint8Array, p: number, out: Float32Array, at: number, n: number, gain: number, offset: number) {
  for (let k = 0; k < n; k++, p += 3) out[at + k] = offset + gain * (bytes[p] | (bytes[p + 1] << 8) | ((bytes[p + 2] << 24) >> 8));
}

/** The header's start time moved by the first record's sub-second onset, kept local (no zone) as EDF has none. */
function shiftIso(iso: string | undefined, sec: number): string | undefined {
  if (!iso || sec === 0) return iso;
  const shifted = new Date(Date.parse(`${iso}Z`) + Math.round(sec * 1000)).toISOString().slice(0, -1);
  return shifted.endsWith('.000') ? shifted.slice(0, -4) : shifted;
}
