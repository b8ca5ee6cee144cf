/**
 * EDF / BDF files edited field by field: the app's EDF writer makes a valid EDF+C, these rewrite
 * one header field, one signal's entry, or one record's time-keeping TAL, or turn it into BDF.
 */

/** The fixed part of the header: [offset, width]. */
const FIELDS = {
  version: [0, 8],
  startDate: [168, 8],
  headerBytes: [184, 8],
  reserved: [192, 44],
  records: [236, 8],
  recordSeconds: [244, 8],
  signals: [252, 4],
} as const;

/** Per-signal fields: [offset of the block, width of one entry]. */
const SIGNAL_FIELDS = {
  label: [0, 16],
  dimension: [96, 8],
  physicalMin: [104, 8],
  physicalMax: [112, 8],
  digitalMin: [120, 8],
  digitalMax: [128, 8],
  samplesPerRecord: [216, 8],
} as const;

const ascii = (b: Uint8Array, start: number, width: number) => String.fromCharCode(...b.subarray(start, start + width)).trim();

function write(b: Uint8Array, start: number, width: number, text: string): void {
  const padded = text.slice(0, width).padEnd(width, ' ');
  for (let i = 0; i < width; i++) b[start + i] = padded.charCodeAt(i);
}

export const signalCount = (b: Uint8Array) => Number(ascii(b, 252, 4));

/** A copy with a header field rewritten. */
export function setField(bytes: Uint8Array, field: keyof typeof FIELDS, text: string): Uint8Array {
  const b = bytes.slice();
  write(b, FIELDS[field][0], FIELDS[field][1], text);
  return b;
}

/** A copy with signal entries rewritten: `which` is a signal index, or 'signals' for every signal but the annotations (the last). */
export function setSignalField(bytes: Uint8Array, field: keyof typeof SIGNAL_FIELDS, which: number | 'signals', text: string): Uint8Array {
  const b = bytes.slice();
  const ns = signalCount(b);
  const [block, width] = SIGNAL_FIELDS[field];
  for (const i of which === 'signals' ? Array.from({ length: ns - 1 }, (_, k) => k) : [which]) write(b, 256 + block * ns + i * width, width, text);
  return b;
}

export function signalField(bytes: Uint8Array, field: keyof typeof SIGNAL_FIELDS, i: number): string {
  const ns = signalCount(bytes);
  const [block, width] = SIGNAL_FIELDS[field];
  return ascii(bytes, 256 + block * ns + i * width, width);
}

interface Layout {
  ns: number;
  headerBytes: number;
  spr: number[];
  recordBytes: number;
  records: number;
  /** Where the annotation signal (the last) starts in a record, and its length. */
  talOffset: number;
  talBytes: number;
}

function layout(b: Uint8Array, width = 2): Layout {
  const ns = signalCount(b);
  const spr = Array.from({ length: ns }, (_, i) => Number(signalField(b, 'samplesPerRecord', i)));
  const recordBytes = spr.reduce((a, n) => a + n * width, 0);
  const headerBytes = 256 * (ns + 1);
  return {
    ns,
    headerBytes,
    spr,
    recordBytes,
    records: Math.floor((b.length - headerBytes) / recordBytes),
    talOffset: recordBytes - spr[ns - 1] * width,
    talBytes: spr[ns - 1] * width,
  };
}

/** A copy whose record `r` carries `tal` (UTF-8, zero-padded) as its annotation signal. */
export function setTal(bytes: Uint8Array, r: number, tal: string): Uint8Array {
  const b = bytes.slice();
  const l = layout(b);
  const at = l.headerBytes + r * l.recordBytes + l.talOffset;
  b.fill(0, at, at + l.talBytes);
  b.set(new TextEncoder().encode(tal).subarray(0, l.talBytes), at);
  return b;
}

/** EDF+D: record r placed at onsetOf(r) seconds (its time-keeping TAL), the rest of each TAL dropped. */
export function discontinuous(bytes: Uint8Array, onsetOf: (r: number) => number): Uint8Array {
  let b = setField(bytes, 'reserved', 'EDF+D');
  const { records } = layout(b);
  for (let r = 0; r < records; r++) b = setTal(b, r, `+${onsetOf(r)}\x14\x14\x00`);
  return b;
}

/** The same recording as BDF+C: 24-bit samples, the header's version field 0xFF 'BIOSEMI'. */
export function toBdf(edf: Uint8Array): Uint8Array {
  const l = layout(edf);
  const header = setField(setField(edf.subarray(0, l.headerBytes), 'reserved', 'BDF+C'), 'version', '_BIOSEMI');
  header[0] = 0xff;
  const out = new Uint8Array(l.headerBytes + l.records * l.recordBytes * 1.5);
  out.set(header);
  const view = new DataView(edf.buffer, edf.byteOffset, edf.byteLength);
  for (let r = 0; r < l.records; r++) {
    let p = l.headerBytes + r * l.recordBytes;
    let q = l.headerBytes + r * l.recordBytes * 1.5;
    for (let s = 0; s < l.ns; s++) {
      if (s === l.ns - 1) out.set(edf.subarray(p, p + l.talBytes), q);
      else {
        for (let k = 0; k < l.spr[s]; k++) {
          const v = view.getInt16(p + 2 * k, true);
          out[q + 3 * k] = v & 255;
          out[q + 3 * k + 1] = (v >> 8) & 255;
          out[q + 3 * k + 2] = v < 0 ? 255 : 0;
        }
      }
      p += l.spr[s] * 2;
      q += l.spr[s] * 3;
    }
  }
  return out;
}
