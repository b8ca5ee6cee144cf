/**
 * The EDF / EDF+ / BDF header: 256 bytes of fixed ASCII fields, then 256 bytes per signal stored
 * field by field. Every field is checked, because clinical exporters do write lying headers.
 */
import { DataError } from '../../core/eeg';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  isAnnotation: boolean;
  /** Where this signal's samples start inside a data record, in bytes. */
  recordOffset: number;
}

export interface EdfHeader {
  kind: 'edf' | 'bdf';
  /** 'C' for EDF+C / BDF+C, 'D' for the discontinuous variants, '' for plain EDF/BDF. */
  plus: '' | 'C' | 'D';
  patient: string;
  recording: string;
  startDate: string;
  startTime: string;
  headerBytes: number;
  /** -1 in the file means unknown; the reader settles the count from the file size. */
  declaredRecords: number;
  recordDurationSec: number;
  signals: EdfSignalHeader[];
  bytesPerSample: 2 | 3;
  /** Bytes of one data record: Σ samplesPerRecord × bytesPerSample. */
  recordBytes: number;
}

/** A header field; some writers pad with NUL instead of spaces, so both are trimmed. */
const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length))
    .replace(/\0/g, ' ')
    .trim();

/** Plain decimal numbers only: Number() alone would take '0x10', 'Infinity' or ''. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** EDF+ names its annotation signal 'EDF Annotations'; BDF+ writers use either name. */
const ANNOTATION_LABELS = new Set(['EDF Annotations', 'BDF Annotations']);

export function parseEdfHeader(bytes: Uint8Array, path: string): EdfHeader {
  if (bytes.length < 256) throw new DataError(path, `too short for an EDF header (${bytes.length} bytes, need 256)`);
  const bdf = bytes[0] === 0xff && ascii(bytes, 1, 7) === 'BIOSEMI';
  if (!bdf && ascii(bytes, 0, 8) !== '0') throw new DataError(path, 'not an EDF or BDF file (the version field is not "0")');
  const number = (start: number, length: number, what: string, integer = false) => {
    const text = ascii(bytes, start, length);
    const v = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new DataError(path, `header field "${what}" is not a${integer ? 'n integer' : ' number'}: "${text}"`);
    }
    return v;
  };
  const reserved = ascii(bytes, 192, 44);
  const plus = /^(EDF|BDF)\+D/.test(reserved) ? 'D' : /^(EDF|BDF)\+C/.test(reserved) ? 'C' : '';
  const headerBytes = number(184, 8, 'number of bytes in header', true);
  const declaredRecords = number(236, 8, 'number of data records', true);
  const recordDurationSec = number(244, 8, 'duration of a data record');
  const ns = number(252, 4, 'number of signals', true);
  if (ns < 1) throw new DataError(path, `the header declares ${ns} signals`);
  if (headerBytes !== 256 * (ns + 1)) {
    throw new DataError(path, `the header says it is ${headerBytes} bytes, but ${ns} signals make it ${256 * (ns + 1)}`);
  }
  if (bytes.length < headerBytes) throw new DataError(path, `truncated inside the header (${bytes.length} of ${headerBytes} bytes)`);
  if (declaredRecords < -1) throw new DataError(path, `the header declares ${declaredRecords} data records`);
  if (recordDurationSec < 0) throw new DataError(path, `negative data-record duration ${recordDurationSec}`);

  const field = (offset: number, width: number) => (i: number) => ascii(bytes, 256 + offset * ns + i * width, width);
  const fieldNumber =
    (offset: number, width: number, what: string, integer = false) =>
    (i: number) =>
      number(256 + offset * ns + i * width, width, `${what} of signal ${i + 1}`, integer);
  const label = field(0, 16);
  const transducer = field(16, 80);
  const dimension = field(96, 8);
  const physMin = fieldNumber(104, 8, 'physical minimum');
  const physMax = fieldNumber(112, 8, 'physical maximum');
  const digMin = fieldNumber(120, 8, 'digital minimum', true);
  const digMax = fieldNumber(128, 8, 'digital maximum', true);
  const prefilter = field(136, 80);
  const spr = fieldNumber(216, 8, 'samples per data record', true);

  const bytesPerSample = bdf ? 3 : 2;
  let recordBytes = 0;
  const signals: EdfSignalHeader[] = Array.from({ length: ns }, (_, i) => {
    const s: EdfSignalHeader = {
      label: label(i),
      transducer: transducer(i),
      physicalDimension: dimension(i),
      physicalMin: physMin(i),
      physicalMax: physMax(i),
      digitalMin: digMin(i),
      digitalMax: digMax(i),
      prefiltering: prefilter(i),
      samplesPerRecord: spr(i),
      isAnnotation: ANNOTATION_LABELS.has(label(i)),
      recordOffset: recordBytes,
    };
    if (s.samplesPerRecord < 1) throw new DataError(path, `signal ${i + 1} (${s.label}) has ${s.samplesPerRecord} samples per data record`);
    if (!s.isAnnotation && s.digitalMin >= s.digitalMax) {
      throw new DataError(path, `signal ${i + 1} (${s.label}) has digital minimum ${s.digitalMin} ≥ maximum ${s.digitalMax}`);
    }
    // An inverted range (physical minimum > maximum) is legal: it flips the signal's polarity.
    if (!s.isAnnotation && s.physicalMin === s.physicalMax) {
      throw new DataError(path, `signal ${i + 1} (${s.label}) has equal physical minimum and maximum (${s.physicalMin})`);
    }
    recordBytes += s.samplesPerRecord * bytesPerSample;
    return s;
  });
  if (recordDurationSec === 0 && signals.some((s) => !s.isAnnotation)) {
    throw new DataError(path, 'data records of 0 s cannot hold signals');
  }
  return {
    kind: bdf ? 'bdf' : 'edf',
    plus,
    patient: ascii(bytes, 8, 80),
    recording: ascii(bytes, 88, 80),
    startDate: ascii(bytes, 168, 8),
    startTime: ascii(bytes, 176, 8),
    headerBytes,
    declaredRecords,
    recordDurationSec,
    signals,
    bytesPerSample,
    recordBytes,
  };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * ISO start time from dd.mm.yy / hh.mm.ss, or undefined when garbled. The two-digit year follows
 * EDF's 1985–2084 rule unless the EDF+ recording field ('Startdate 17-MAY-2023 …') gives all four.
 */
export function edfStartIso(h: EdfHeader): string | undefined {
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(h.startDate);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(h.startTime);
  if (!d || !t) return undefined;
  const [month, yy] = [Number(d[2]), Number(d[3])];
  let year = yy >= 85 ? 1900 + yy : 2000 + yy;
  const plusDate = /^Startdate (\d\d)-([A-Z]{3})-(\d{4})\b/.exec(h.recording);
  if (plusDate && Number(plusDate[3]) % 100 === yy && MONTHS.indexOf(plusDate[2]) === month - 1) year = Number(plusDate[3]);
  const iso = `${year}-${d[2]}-${d[1]}T${t[1]}:${t[2]}:${t[3]}`;
  // Date.parse rolls 31.02 over into March; a date that does not come back unchanged is garbled.
  const ms = Date.parse(`${iso}Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(iso) ? iso : undefined;
}

/** The EDF+ patient code (first subfield of 'code sex birthdate name'); 'X' means not given. */
export function edfPatientCode(h: EdfHeader): string | undefined {
  if (!h.plus) return undefined;
  const code = h.patient.split(' ')[0];
  return code && code !== 'X' ? code : undefined;
}
