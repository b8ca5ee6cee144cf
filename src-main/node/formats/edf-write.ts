/**
 * Writes a recording as EDF+C, 16-bit, 1-s data records, annotations as TALs — what clinical
 * systems export, so tests and benchmarks can make long EDF files. Atomic: temp file, then rename.
 *
 * Each channel's physical range is its data's own, rounded outwards to fit 8 characters and
 * widened below by a step, so the quantisation step is about (max − min) / 65535 and no sample
 * lands on the digital minimum. EDF has no missing-sample value: NaN, and the padding of a last
 * partial second, are written as that digital minimum (−32768), a rail in any viewer.
 */
import { type Recording } from '../../core/eeg';
import { open, rename, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../fs-atomic';

export interface WriteEdfOptions {
  /** EDF+ patient code; spaces become '_' as EDF+ subfields require. */
  patient?: string;
  startTime?: Date;
}

const DIGITAL_MIN = -32768;
const DIGITAL_MAX = 32767;

export async function writeEdf(path: string, rec: Recording, opts: WriteEdfOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeEdf(rec, opts));
}

export function encodeEdf(rec: Recording, opts: WriteEdfOptions = {}): Uint8Array {
  const spr = rec.sampleRateHz;
  if (!Number.isInteger(spr) || spr < 1) throw new Error(`EDF export needs a whole sample rate in Hz, got ${spr}`);
  const samples = rec.data[0]?.length ?? 0;
  const records = Math.ceil(samples / spr);
  const tals = annotationRecords(rec, records);
  const talSpr = Math.ceil(tals.reduce((n, t) => Math.max(n, t.length), 64) / 2);
  const ranges = rec.data.map(physicalRange);
  const header = edfHeader(rec, spr, records, talSpr, ranges, opts);
  const recordBytes = (rec.channels.length * spr + talSpr) * 2;
  const out = new Uint8Array(header.length + records * recordBytes);
  out.set(header);
  encodeRecords(rec.data, 0, records, ranges, out.subarray(header.length), recordBytes, spr);
  tals.forEach((tal, r) => out.set(tal, header.length + r * recordBytes + rec.channels.length * spr * 2));
  return out;
}

export interface EdfStreamSpec {
  channels: string[];
  units: string[];
  sampleRateHz: number;
  seconds: number;
  /** Every channel's physical range: a long recording's is known before its data is made. */
  physicalRange: [number, number];
}

/**
 * Writes an EDF+C of any length a block of records at a time, `block(firstSecond, seconds)` giving
 * each block's samples: a day-long recording without holding it (benchmarks, tests). No annotations.
 */
export async function writeEdfStreamed(
  path: string,
  spec: EdfStreamSpec,
  block: (firstSecond: number, seconds: number) => Float32Array[],
  opts: WriteEdfOptions = {},
): Promise<void> {
  const spr = spec.sampleRateHz;
  if (!Number.isInteger(spr) || spr < 1 || !Number.isInteger(spec.seconds)) throw new Error(`EDF export needs whole seconds at a whole rate, got ${spec.seconds} s at ${spr} Hz`);
  const talSpr = 32;
  const range = { value: spec.physicalRange, text: spec.physicalRange.map(String) as [string, string] };
  const ranges = spec.channels.map(() => range);
  const header = edfHeader({ channels: spec.channels, units: spec.units }, spr, spec.seconds, talSpr, ranges, opts);
  const recordBytes = (spec.channels.length * spr + talSpr) * 2;
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.write(header);
    const perBlock = 60;
    for (let first = 0; first < spec.seconds; first += perBlock) {
      const n = Math.min(perBlock, spec.seconds - first);
      const bytes = new Uint8Array(n * recordBytes);
      encodeRecords(block(first, n), 0, n, ranges, bytes, recordBytes, spr);
      const encoder = new TextEncoder();
      for (let r = 0; r < n; r++) bytes.set(encoder.encode(`+${first + r}\x14\x14\x00`), r * recordBytes + spec.channels.length * spr * 2);
      await file.write(bytes);
    }
    await file.close();
    await rename(temp, path);
  } catch (err) {
    await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw err;
  }
}

/** The header of an EDF+C of 1-s records: the channels, then the annotation signal. */
function edfHeader(rec: Pick<Recording, 'channels' | 'units'>, spr: number, records: number, talSpr: number, ranges: PhysicalRange[], opts: WriteEdfOptions): Uint8Array {
  const ns = rec.channels.length + 1;
  const start = opts.startTime ?? new Date(Date.UTC(2024, 0, 1));
  const two = (n: number) => String(n).padStart(2, '0');
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const patient = (opts.patient ?? 'X').trim().replace(/\s+/g, '_') || 'X';
  let header =
    pad('0', 8) +
    pad(`${patient} X X X`, 80) +
    pad(`Startdate ${two(start.getUTCDate())}-${months[start.getUTCMonth()]}-${start.getUTCFullYear()} X X HMS-Studio`, 80) +
    `${two(start.getUTCDate())}.${two(start.getUTCMonth() + 1)}.${two(start.getUTCFullYear() % 100)}` +
    `${two(start.getUTCHours())}.${two(start.getUTCMinutes())}.${two(start.getUTCSeconds())}` +
    pad(String(256 * (ns + 1)), 8) +
    pad('EDF+C', 44) +
    pad(String(records), 8) +
    pad('1', 8) +
    pad(String(ns), 4);
  const isTal = (i: number) => i === ns - 1;
  const field = (f: (i: number) => string, width: number) => Array.from({ length: ns }, (_, i) => pad(f(i), width)).join('');
  header += field((i) => (isTal(i) ? 'EDF Annotations' : rec.channels[i]), 16);
  header += field((i) => (isTal(i) ? '' : 'AgAgCl electrode'), 80);
  header += field((i) => (isTal(i) ? '' : (rec.units[i] ?? '')), 8);
  header += field((i) => (isTal(i) ? '-1' : ranges[i].text[0]), 8);
  header += field((i) => (isTal(i) ? '1' : ranges[i].text[1]), 8);
  header += field(() => String(DIGITAL_MIN), 8);
  header += field(() => String(DIGITAL_MAX), 8);
  header += field(() => '', 80);
  header += field((i) => String(isTal(i) ? talSpr : spr), 8);
  header += field(() => '', 32);
  return Uint8Array.from(header, (ch) => ch.charCodeAt(0));
}

/** Records [first, first + count) of `data` (1-s records of `spr` samples) into `out`, record r at (r − first) × recordBytes. */
function encodeRecords(data: Float32Array[], first: number, count: number, ranges: PhysicalRange[], out: Uint8Array, recordBytes: number, spr: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  data.forEach((ch, c) => {
    const [lo, hi] = ranges[c].value;
    const scale = (DIGITAL_MAX - DIGITAL_MIN) / (hi - lo);
    for (let r = first; r < first + count; r++) {
      let p = (r - first) * recordBytes + c * spr * 2;
      for (let k = 0, i = r * spr; k < spr; k++, i++, p += 2) {
        const v = i < ch.length ? ch[i] : NaN;
        const dig = Number.isFinite(v) ? Math.max(DIGITAL_MIN + 1, Math.min(DIGITAL_MAX, Math.round((v - lo) * scale) + DIGITAL_MIN)) : DIGITAL_MIN;
        view.setInt16(p, dig, true);
      }
    }
  });
}

/** Header text: printable ASCII only (as EDF demands), cut or padded with spaces. */
const pad = (text: string, width: number) =>
  text
    .replace(/[^\x20-\x7e]/g, '_')
    .slice(0, width)
    .padEnd(width, ' ');

interface PhysicalRange {
  value: [number, number];
  text: [string, string];
}

/** The data's range, a step more below (kept for NaN), widened outwards until each end fits 8 characters. */
function physicalRange(ch: Float32Array): PhysicalRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ch) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 1, hi + 1] : [-1, 1];
  lo -= (hi - lo) / 32768;
  const text: [string, string] = [fitOutwards(lo, Math.floor), fitOutwards(hi, Math.ceil)];
  return { value: [Number(text[0]), Number(text[1])], text };
}

function fitOutwards(value: number, round: (x: number) => number): string {
  for (let digits = 6; digits >= 0; digits--) {
    const text = String(round(value * 10 ** digits) / 10 ** digits);
    if (text.length <= 8) return text;
  }
  throw new Error(`${value} does not fit an 8-character EDF header field`);
}

/** Seconds as TAL wants them: an explicit sign, decimals, never an exponent. */
const talSeconds = (sec: number, sign = true) =>
  (sign ? (sec < 0 ? '-' : '+') : '') +
  Math.abs(sec)
    .toFixed(6)
    .replace(/\.?0+$/, '');

/** One TAL block per data record: the time-keeping TAL, then the annotations starting in that second. */
function annotationRecords(rec: Recording, records: number): Uint8Array[] {
  const texts = Array.from({ length: records }, (_, r) => `+${r}\x14\x14\x00`);
  for (const a of rec.annotations) {
    if (records === 0) break;
    const r = Math.min(records - 1, Math.max(0, Math.floor(a.onsetSec)));
    const duration = a.durationSec > 0 ? `\x15${talSeconds(a.durationSec, false)}` : '';
    // TAL separators inside a text would end it early.
    // eslint-disable-next-line no-control-regex -- the separators are control characters (EDF+ TAL: 0x14, 0x15, 0x00)
    texts[r] += `${talSeconds(a.onsetSec)}${duration}\x14${a.text.replace(/[\x00\x14\x15]/g, ' ')}\x14\x00`;
  }
  const encoder = new TextEncoder();
  return texts.map((t) => encoder.encode(t));
}
