/**
 * Writes a recording as EDF+C, 16-bit, 1-s data records, annotations as TALs — what clinical
 * systems export, so tests and benchmarks can make long EDF files. Atomic: temp file, then rename.
 */
import { type Recording } from '../../core/eeg';
import { writeFileAtomic } from '../fs-atomic';

/** An 8-character ASCII number field, as precise as fits. */
function fit(value: number, width = 8): string {
  for (let digits = 6; digits >= 0; digits--) {
    const text = Number(value.toFixed(digits)).toString();
    if (text.length <= width) return text;
  }
  throw new Error(`${value} does not fit an EDF header field of ${width} characters`);
}

const pad = (text: string, width: number) => text.slice(0, width).padEnd(width, ' ');

export interface WriteEdfOptions {
  patient?: string;
  startTime?: Date;
}

export async function writeEdf(path: string, rec: Recording, opts: WriteEdfOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeEdf(rec, opts));
}

export function encodeEdf(rec: Recording, opts: WriteEdfOptions = {}): Uint8Array {
  const spr = rec.sampleRateHz;
  if (!Number.isInteger(spr)) throw new Error(`EDF export needs an integer sample rate, got ${spr} Hz`);
  const samples = rec.data[0]?.length ?? 0;
  const records = Math.ceil(samples / spr);
  const tals = annotationRecords(rec, records);
  const talBytes = Math.max(...tals.map((t) => t.length), 64);
  const talSpr = Math.ceil(talBytes / 2);

  const ranges = rec.data.map((ch) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ch) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (!(hi > lo)) [lo, hi] = [Number.isFinite(lo) ? lo - 1 : -1, Number.isFinite(hi) ? hi + 1 : 1];
    return [Number(fit(Math.floor(lo * 1000) / 1000)), Number(fit(Math.ceil(hi * 1000) / 1000))];
  });

  const ns = rec.channels.length + 1;
  const headerBytes = 256 * (ns + 1);
  const start = opts.startTime ?? new Date(Date.UTC(2024, 0, 1, 0, 0, 0));
  const two = (n: number) => String(n).padStart(2, '0');
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  let header =
    pad('0', 8) +
    pad(`${opts.patient ?? 'X'} X X X`, 80) +
    pad(`Startdate ${two(start.getUTCDate())}-${months[start.getUTCMonth()]}-${start.getUTCFullYear()} X X HMS-Studio`, 80) +
    `${two(start.getUTCDate())}.${two(start.getUTCMonth() + 1)}.${two(start.getUTCFullYear() % 100)}` +
    `${two(start.getUTCHours())}.${two(start.getUTCMinutes())}.${two(start.getUTCSeconds())}` +
    pad(String(headerBytes), 8) +
    pad('EDF+C', 44) +
    pad(String(records), 8) +
    pad('1', 8) +
    pad(String(ns), 4);
  const labels = [...rec.channels, 'EDF Annotations'];
  const field = (f: (i: number) => string, width: number) => labels.map((_, i) => pad(f(i), width)).join('');
  const isTal = (i: number) => i === ns - 1;
  header += field((i) => labels[i], 16);
  header += field((i) => (isTal(i) ? '' : 'AgAgCl electrode'), 80);
  header += field((i) => (isTal(i) ? '' : rec.units[i] === 'uV' ? 'uV' : rec.units[i]), 8);
  header += field((i) => (isTal(i) ? '-1' : fit(ranges[i][0])), 8);
  header += field((i) => (isTal(i) ? '1' : fit(ranges[i][1])), 8);
  header += field(() => '-32768', 8);
  header += field(() => '32767', 8);
  header += field(() => '', 80);
  header += field((i) => String(isTal(i) ? talSpr : spr), 8);
  header += field(() => '', 32);

  const recordBytes = (rec.channels.length * spr + talSpr) * 2;
  const out = new Uint8Array(headerBytes + records * recordBytes);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  const view = new DataView(out.buffer);
  for (let r = 0; r < records; r++) {
    let p = headerBytes + r * recordBytes;
    rec.data.forEach((ch, c) => {
      const [lo, hi] = ranges[c];
      const scale = 65535 / (hi - lo);
      for (let k = 0; k < spr; k++, p += 2) {
        const v = ch[r * spr + k];
        const dig = Number.isFinite(v) ? Math.round((v - lo) * scale) - 32768 : -32768;
        view.setInt16(p, Math.max(-32768, Math.min(32767, dig)), true);
      }
    });
    out.set(tals[r], p);
  }
  return out;
}

/** One TAL block per data record: the time-keeping TAL, then the annotations starting in that second. */
function annotationRecords(rec: Recording, records: number): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from({ length: records }, (_, r) => {
    let text = `+${r}\x14\x14\x00`;
    for (const a of rec.annotations) {
      if (Math.floor(a.onsetSec) !== r && !(r === records - 1 && a.onsetSec >= records)) continue;
      const duration = a.durationSec > 0 ? `\x15${a.durationSec}` : '';
      text += `+${a.onsetSec}${duration}\x14${a.text}\x14\x00`;
    }
    return encoder.encode(text);
  });
}
