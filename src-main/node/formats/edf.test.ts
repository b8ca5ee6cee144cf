import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, HMS_CHANNELS } from '../../core/eeg';
import { toHmsLayout } from '../../core/channels';
import { parseEdf, readEdf, type ReadEdfOptions } from './edf';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);
/** What scripts/fixtures/make-edf.c wrote on channel c at time t (µV, t from the first sample). */
const truth = (c: number, t: number) => c - 10 + (10 + c) * Math.sin(2 * Math.PI * (1 + c) * t);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-edf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EDF+ and BDF+ written by EDFlib', () => {
  it('reads labels, rate, scaling, units, start time, patient and annotations', async () => {
    const rec = await readEdf(fixture('clinical-256hz.edf'), { targetRateHz: null });
    expect(rec.source.format).toBe('edf+c');
    expect(rec.sampleRateHz).toBe(256);
    expect(rec.channels).toEqual([...HMS_CHANNELS.slice(0, 19), 'EKG']);
    expect(rec.data[0].length).toBe(5 * 256);
    // The file starts 0.25 s after its header's second: time 0 is the first sample.
    expect(rec.source.startTime).toBe('2023-05-17T13:45:10.250');
    expect(rec.source.patientId).toBe('PAT-0042');
    expect(rec.units.every((u) => u === 'uV')).toBe(true);
    const quantum = 1000 / 65535;
    for (const c of [0, 7, 18, 19]) {
      for (const i of [0, 100, 1000, 1279]) expect(Math.abs(rec.data[c][i] - truth(c, i / 256))).toBeLessThan(quantum);
    }
    expect(rec.annotations).toEqual([
      { onsetSec: 1.25, durationSec: 0.5, text: 'eyes closed' },
      { onsetSec: 3, durationSec: 0, text: 'seizure onset ⚡' },
    ]);
  });

  it('resamples 256 Hz to 200 Hz and fits the HMS layout', async () => {
    const { recording, missing, duplicates } = toHmsLayout(await readEdf(fixture('clinical-256hz.edf')));
    expect(recording.sampleRateHz).toBe(200);
    expect(recording.channels).toEqual(HMS_CHANNELS);
    expect([missing, duplicates]).toEqual([[], []]);
    expect(recording.data[0].length).toBe(1000);
    // Away from the ends, where the filter sees zero padding, the sines are where they were.
    for (const c of [0, 5, 19]) {
      for (const i of [300, 500, 700]) expect(Math.abs(recording.data[c][i] - truth(c, i / 200))).toBeLessThan(0.05);
    }
  });

  it('brings signals of different rates (250, 500, 512 Hz in 0.5-s records) to one', async () => {
    const rec = await readEdf(fixture('mixed-rates.edf'));
    expect(rec.data.every((d) => d.length === 800)).toBe(true);
    for (const c of [0, 1, 19]) expect(Math.abs(rec.data[c][400] - truth(c, 2))).toBeLessThan(0.05);
    await expect(readEdf(fixture('mixed-rates.edf'), { targetRateHz: null })).rejects.toThrow('different rates (250, 500, 512 Hz)');
  });

  it('reads 24-bit BDF+', async () => {
    const rec = await readEdf(fixture('clinical-256hz.bdf'), { targetRateHz: null });
    expect(rec.source.format).toBe('bdf');
    expect(rec.channels[5]).toBe('T3');
    expect(rec.data[5].length).toBe(4 * 256);
    for (const i of [0, 77, 1023]) expect(Math.abs(rec.data[5][i] - truth(5, i / 256))).toBeLessThan(1e-3);
    expect(rec.annotations.map((a) => a.text)).toEqual(['eyes closed', 'seizure onset ⚡']);
  });
});

interface RawSignal {
  label: string;
  samplesPerRecord: number;
  dimension?: string;
  /** Physical and digital ranges; by default both ±32768, so a sample's value is its digital value. */
  physical?: [number, number];
  digital?: [number, number];
  /** Digital value of sample k in record r. */
  value?: (r: number, k: number) => number;
  /** For an annotation signal: the TALs of record r. */
  tal?: (r: number) => string;
}

interface RawEdf {
  signals: RawSignal[];
  records: number;
  declaredRecords?: string;
  recordSec?: string;
  reserved?: string;
  patient?: string;
  bdf?: boolean;
}

/** An EDF (or BDF) byte by byte, so every field can be made right or wrong. */
function rawEdf(o: RawEdf): Uint8Array {
  const ns = o.signals.length;
  const width = o.bdf ? 3 : 2;
  const f = (text: string, n: number) => text.slice(0, n).padEnd(n, ' ');
  const each = (get: (s: RawSignal) => string | number | undefined, n: number) => o.signals.map((s) => f(String(get(s) ?? ''), n)).join('');
  const header =
    (o.bdf ? '\xffBIOSEMI' : f('0', 8)) +
    f(o.patient ?? 'X X X X', 80) +
    f('Startdate 17-MAY-2023 X X X', 80) +
    '17.05.23' +
    '13.45.10' +
    f(String(256 * (ns + 1)), 8) +
    f(o.reserved ?? '', 44) +
    f(o.declaredRecords ?? String(o.records), 8) +
    f(o.recordSec ?? '1', 8) +
    f(String(ns), 4) +
    each((s) => s.label, 16) +
    each(() => '', 80) +
    each((s) => s.dimension ?? 'uV', 8) +
    each((s) => s.physical?.[0] ?? -32768, 8) +
    each((s) => s.physical?.[1] ?? 32767, 8) +
    each((s) => s.digital?.[0] ?? -32768, 8) +
    each((s) => s.digital?.[1] ?? 32767, 8) +
    each(() => '', 80) +
    each((s) => s.samplesPerRecord, 8) +
    each(() => '', 32);
  const recordBytes = o.signals.reduce((n, s) => n + s.samplesPerRecord * width, 0);
  const out = new Uint8Array(header.length + o.records * recordBytes);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  let p = header.length;
  for (let r = 0; r < o.records; r++) {
    for (const s of o.signals) {
      if (s.tal) out.set(new TextEncoder().encode(s.tal(r)).subarray(0, s.samplesPerRecord * width), p);
      else for (let k = 0; k < s.samplesPerRecord; k++) for (let b = 0; b < width; b++) out[p + k * width + b] = ((s.value?.(r, k) ?? 0) >> (8 * b)) & 255;
      p += s.samplesPerRecord * width;
    }
  }
  return out;
}

/** Overwrites an ASCII field of an EDF held in memory. */
function patch(bytes: Uint8Array, offset: number, width: number, text: string): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < width; i++) out[offset + i] = i < text.length ? text.charCodeAt(i) : 32;
  return out;
}

const annotations = (tal: (r: number) => string, bytes = 60): RawSignal => ({ label: 'EDF Annotations', samplesPerRecord: bytes / 2, tal });
const keepTime = (r: number) => `+${r}\x14\x14\x00`;

/** Parses, collecting warnings instead of printing them. */
function parse(bytes: Uint8Array, opts: ReadEdfOptions = {}) {
  const warnings: string[] = [];
  const rec = parseEdf(bytes, 'x.edf', { targetRateHz: null, onWarning: (w) => warnings.push(w.problem), ...opts });
  return { rec, warnings };
}

describe('EDF built byte by byte', () => {
  it('reads plain EDF: scaling, mV to µV, an inverted range, no EDF+ fields', () => {
    const { rec } = parse(
      rawEdf({
        records: 3,
        signals: [
          { label: 'FP1', samplesPerRecord: 100, physical: [-100, 100], digital: [-1000, 1000], value: (r, k) => r * 100 + k },
          { label: 'ECG', samplesPerRecord: 100, dimension: 'mV', physical: [-2, 2], digital: [-2000, 2000], value: () => 500 },
          { label: 'EEG T7-REF', samplesPerRecord: 100, physical: [50, -50], digital: [-500, 500], value: () => 100 },
          { label: 'SpO2', samplesPerRecord: 100, dimension: '%', physical: [0, 100], digital: [0, 100], value: () => 97 },
        ],
      }),
    );
    expect(rec.source).toEqual({ path: 'x.edf', format: 'edf', startTime: '2023-05-17T13:45:10', patientId: undefined });
    expect(rec.channels).toEqual(['Fp1', 'EKG', 'T3', 'SpO2']);
    expect(rec.units).toEqual(['uV', 'uV', 'uV', '%']);
    expect(rec.data[0][250]).toBeCloseTo(25, 5);
    expect(rec.data[1][0]).toBeCloseTo(500, 3);
    expect(rec.data[2][0]).toBeCloseTo(-10, 5);
    expect(rec.data[3][0]).toBe(97);
    expect(rec.annotations).toEqual([]);
  });

  it('reads NUL-padded fields, leaves a garbled start date out, takes a 4-digit year from EDF+', () => {
    let bytes = rawEdf({ records: 1, signals: [{ label: 'Resp', samplesPerRecord: 10 }] });
    bytes = patch(patch(bytes, 252, 4, '1\0\0\0'), 168, 8, '31.02.23');
    expect(parse(bytes).rec.source.startTime).toBeUndefined();
    // EDF+ spells out the year, which beats the 1985–2084 rule for two digits.
    bytes = patch(patch(bytes, 168, 8, '17.05.90'), 88, 80, 'Startdate 17-MAY-2090 X X X');
    expect(parse(bytes).rec.source.startTime).toBe('2090-05-17T13:45:10');
  });

  it('upsamples 100 Hz to 200 Hz', () => {
    const { rec } = parse(
      rawEdf({ records: 4, signals: [{ label: 'Cz', samplesPerRecord: 100, value: (r, k) => Math.round(1000 * Math.sin((2 * Math.PI * 3 * (r * 100 + k)) / 100)) }] }),
      { targetRateHz: 200 },
    );
    expect(rec.data[0].length).toBe(800);
    for (const i of [200, 401, 600]) expect(rec.data[0][i]).toBeCloseTo(1000 * Math.sin((2 * Math.PI * 3 * i) / 200), -1);
  });

  it('places EDF+D records at their TAL times, NaN in the gap, annotations from the first record', () => {
    const times = [10, 11, 14, 15];
    const bytes = rawEdf({
      records: 4,
      reserved: 'EDF+D',
      signals: [{ label: 'Fp1', samplesPerRecord: 200, value: (r) => r + 1 }, annotations((r) => `+${times[r]}\x14\x14\x00${r === 2 ? '+14.5\x151\x14spike\x14\x00' : ''}`)],
    });
    const { rec } = parse(bytes);
    expect(rec.source.format).toBe('edf+d');
    expect(rec.data[0].length).toBe(6 * 200);
    expect([rec.data[0][0], rec.data[0][399], rec.data[0][800], rec.data[0][1199]]).toEqual([1, 2, 3, 4]);
    expect(rec.data[0].subarray(400, 800).every(Number.isNaN)).toBe(true);
    expect(rec.annotations).toEqual([{ onsetSec: 4.5, durationSec: 1, text: 'spike' }]);
    expect(rec.source.startTime).toBe('2023-05-17T13:45:20');
    // Resampled, the gap stays a gap, widened only by the filter's reach.
    const at256 = parse(bytes, { targetRateHz: 256 }).rec.data[0];
    expect(at256.length).toBe(6 * 256);
    expect(Number.isNaN(at256[3 * 256])).toBe(true);
    expect(Number.isNaN(at256[2 * 256 - 40])).toBe(false);
    expect(Number.isNaN(at256[4 * 256 + 40])).toBe(false);
  });

  it('keeps EDF+C records contiguous and reads annotations sharing the time-keeping TAL', () => {
    const { rec } = parse(
      rawEdf({
        records: 2,
        reserved: 'EDF+C',
        patient: 'X F 02-AUG-1951 X',
        signals: [{ label: 'Resp', samplesPerRecord: 10, value: (r) => r }, annotations((r) => (r === 0 ? '+0\x14\x14lights off\x14\x00' : '+7\x14\x14\x00'))],
      }),
    );
    expect(rec.data[0].length).toBe(20);
    expect(rec.annotations).toEqual([{ onsetSec: 0, durationSec: 0, text: 'lights off' }]);
    expect(rec.source.patientId).toBeUndefined();
  });

  it('snaps a rate from an inexact record duration (1/256 s written as 0.003906) to 256 Hz', () => {
    const { rec } = parse(rawEdf({ records: 512, recordSec: '0.003906', signals: [{ label: 'O1', samplesPerRecord: 1, value: (r) => r }] }));
    expect(rec.sampleRateHz).toBe(256);
    expect(rec.data[0].length).toBe(512);
    expect(rec.data[0][511]).toBe(511);
  });
});

describe('record counts that disagree with the file size', () => {
  const good = rawEdf({ records: 3, signals: [{ label: 'Fp1', samplesPerRecord: 100, value: (r) => r }] });
  const recordBytes = 200;
  const counted = (bytes: Uint8Array) => {
    const { rec, warnings } = parse(bytes);
    return { samples: rec.data[0].length, warnings };
  };

  it('reads -1 (never filled in) and a last record cut short quietly', () => {
    expect(counted(patch(good, 236, 8, '-1'))).toEqual({ samples: 300, warnings: [] });
    expect(counted(good.subarray(0, good.length - 50))).toEqual({ samples: 200, warnings: [] });
    expect(counted(Uint8Array.from([...good, 1, 2, 3]))).toEqual({ samples: 300, warnings: [] });
  });

  it('reads what the file holds and says so when the count is off by more', () => {
    expect(counted(good.subarray(0, good.length - recordBytes - 50))).toEqual({
      samples: 100,
      warnings: ['the header declares 3 data records but the file holds only 1 (truncated?); reading 1'],
    });
    expect(counted(patch(good, 236, 8, '1'))).toEqual({ samples: 300, warnings: ['the header declares 1 data records but the file holds 3; reading 3'] });
  });

  it('refuses a file without one complete record', () => {
    expect(() => parse(good.subarray(0, 512 + 150))).toThrow('x.edf: no complete data record: 150 bytes after the header, one record takes 200');
  });
});

describe('broken files', () => {
  const ns = 2;
  const good = rawEdf({
    records: 3,
    reserved: 'EDF+C',
    signals: [{ label: 'EEG Fp1-REF', samplesPerRecord: 50, value: (_, k) => k }, annotations(keepTime)],
  });
  const signalField = (offset: number, i = 0) => 256 + offset * ns + i * 8;
  const firstTal = 768 + 100;
  const cases: [string, Uint8Array, string][] = [
    ['short', good.subarray(0, 100), 'too short for an EDF header (100 bytes, need 256)'],
    ['not EDF', patch(good, 0, 8, 'PK'), 'not an EDF or BDF file'],
    ['inside header', good.subarray(0, 600), 'truncated inside the header (600 of 768 bytes)'],
    ['header bytes', patch(good, 184, 8, '999'), 'the header says it is 999 bytes, but 2 signals make it 768'],
    ['records', patch(good, 236, 8, 'many'), 'header field "number of data records" is not an integer: "many"'],
    ['hex', patch(good, 236, 8, '0x10'), 'header field "number of data records" is not an integer: "0x10"'],
    ['duration', patch(good, 244, 8, ''), 'header field "duration of a data record" is not a number: ""'],
    ['zero signals', patch(good, 252, 4, '0'), 'the header declares 0 signals'],
    ['negative records', patch(good, 236, 8, '-5'), 'the header declares -5 data records'],
    ['physical', patch(good, signalField(104), 8, 'abc'), 'header field "physical minimum of signal 1" is not a number: "abc"'],
    ['digital', patch(good, signalField(120), 8, '32767'), 'signal 1 (EEG Fp1-REF) has digital minimum 32767 ≥ maximum 32767'],
    ['physical equal', patch(good, signalField(104), 8, '32767'), 'signal 1 (EEG Fp1-REF) has equal physical minimum and maximum (32767)'],
    ['samples', patch(good, signalField(216), 8, '0'), 'signal 1 (EEG Fp1-REF) has 0 samples per data record'],
    ['zero duration', patch(good, 244, 8, '0'), 'data records of 0 s cannot hold signals'],
    ['only annotations', patch(good, 256, 16, 'EDF Annotations'), 'the file holds annotations only, no signals'],
    ['tal onset', patch(good, firstTal, 4, 'abcd'), 'garbled annotation in data record 1: no onset separator in "abcd"'],
    ['tal duration', patch(good, firstTal, 6, '+0\x15x\x14\x14'), 'garbled annotation in data record 1: duration "x"'],
    ['odd rate', patch(good, 244, 8, '0.3'), 'signal EEG Fp1-REF: cannot resample from 166.66666666666669 Hz to 200 Hz'],
  ];
  it.each(cases)('%s: names the file and the problem', (_, bytes, message) => {
    expect(() => parseEdf(bytes, 'x.edf', { onWarning: () => {} })).toThrow(new DataError('x.edf', message).message);
  });

  it('refuses EDF+D records that overlap, lack a time, or span more than memory holds', () => {
    const d = (tal: (r: number) => string) => rawEdf({ records: 2, reserved: 'EDF+D', signals: [{ label: 'Cz', samplesPerRecord: 100 }, annotations(tal)] });
    expect(() => parse(d((r) => `+${r * 0.5}\x14\x14\x00`))).toThrow('x.edf: data record 2 starts at 0.5 s, before record 1 ends');
    expect(() => parse(d((r) => (r ? '+3\x14note\x14\x00' : '+0\x14\x14\x00')))).not.toThrow();
    expect(() => parse(d((r) => (r ? '' : '+0\x14\x14\x00')))).toThrow('x.edf: data record 2 of an EDF+D file has no time-keeping annotation');
    expect(() => parse(d((r) => `+${r * 99999999}\x14\x14\x00`))).toThrow('x.edf: EDF+D whose records span 27777.8 h but hold 2 s of data');
  });

  it('refuses EDF+D whose gaps dwarf its data (74 h between two halves of a minute), not allocating them', () => {
    const d = (gapSec: number) =>
      rawEdf({
        records: 60,
        reserved: 'EDF+D',
        signals: [...['Fp1', 'Cz'].map((label) => ({ label, samplesPerRecord: 200 })), annotations((r) => `+${r < 30 ? r : r + gapSec}\x14\x14\x00`)],
      });
    expect(() => parse(d(74 * 3600))).toThrow('x.edf: EDF+D whose records span 74.0 h but hold 60 s of data: gaps of 74.0 h would take');
    // A gap shorter than the data, or within the allowance, is held as NaN.
    expect(parse(d(4)).rec.data[0].length).toBe(64 * 200);
    expect(parse(d(3600)).rec.data[0].length).toBe(3660 * 200);
  });

  it('refuses EEG and ECG signals that cannot be EEG: too slow for the band, not volts, past float32 or any amplifier, or absurdly fast', () => {
    const one = (signal: Partial<RawSignal>, recordSec = '1') => parse(rawEdf({ records: 2, recordSec, signals: [{ label: 'EEG Fp1-REF', samplesPerRecord: 200, ...signal }] }));
    expect(() => one({ samplesPerRecord: 1 })).toThrow('x.edf: signal EEG Fp1-REF is sampled at 1 Hz; EEG needs at least 40 Hz');
    expect(() => one({ samplesPerRecord: 20 })).toThrow('sampled at 20 Hz');
    expect(() => one({ dimension: 'degC' })).toThrow('x.edf: signal EEG Fp1-REF is an EEG or ECG electrode measured in "degC", not in volts');
    expect(() => one({ label: 'ECG', dimension: '%' })).toThrow('signal ECG is an EEG or ECG electrode measured in "%"');
    expect(() => one({ physical: [-1e300, 1e300] })).toThrow('physical range of ±1.00e+300 uV, past what float32 holds');
    expect(() => one({ physical: [-20, 20], dimension: 'V' })).toThrow('more than the ±10 V any EEG amplifier gives');
    expect(() => one({}, '1e-300')).toThrow('sampled at 2.00e+302 Hz, more than 100 kHz');
    // No unit is read as µV; mV is scaled; 10 kHz is an EEG rate.
    expect(one({ dimension: '' }).rec.units[0]).toBe('');
    expect(one({ dimension: 'mV', physical: [-5, 5], samplesPerRecord: 10_000 }).rec.sampleRateHz).toBe(10_000);
    // Signals that are not electrodes may be slow and in other units.
    const aux = parse(
      rawEdf({
        records: 2,
        signals: [
          { label: 'Fp1', samplesPerRecord: 200 },
          { label: 'Temp', samplesPerRecord: 1, dimension: 'degC', physical: [0, 50], digital: [0, 500] },
        ],
      }),
      { targetRateHz: 200 },
    );
    expect(aux.rec.channels).toEqual(['Fp1', 'Temp']);
  });

  it('says which file could not be read', async () => {
    const missing = join(dir, 'absent.edf');
    await expect(readEdf(missing)).rejects.toThrow(`${missing}: no such file`);
  });

  it('never throws anything but a DataError on random corruption', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = new Uint8Array(good);
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        parseEdf(bytes, 'x.edf', { onWarning: () => {} });
      } catch (err) {
        expect(err, `trial ${trial}`).toBeInstanceOf(DataError);
      }
    }
  });
});

describe('a long file', () => {
  it('reads a 1-hour recording of 0.1-s records to 200 Hz', async () => {
    const path = join(dir, 'hour.edf');
    const hour = rawEdf({
      records: 36000,
      recordSec: '0.1',
      reserved: 'EDF+C',
      signals: [
        ...['EEG Fp1-REF', 'EEG Cz-REF'].map((label) => ({ label, samplesPerRecord: 25, value: (_: number, k: number) => k * 100 })),
        annotations((r) => `+${r / 10}\x14\x14\x00${r === 35999 ? '+3599.9\x14end\x14\x00' : ''}`, 40),
      ],
    });
    await writeFile(path, hour);
    const rec = await readEdf(path);
    expect(rec.data.map((d) => d.length)).toEqual([720000, 720000]);
    expect(rec.annotations).toEqual([{ onsetSec: 3599.9, durationSec: 0, text: 'end' }]);
  });
});
