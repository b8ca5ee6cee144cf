import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMS_CHANNELS, type Recording } from '../../core/eeg';
import { toHmsLayout } from '../../core/channels';
import { encodeEdf, writeEdf } from './edf-write';
import { readEdf } from './edf';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);
/** What scripts/fixtures/make-edf.c wrote on channel c at time t. */
const truth = (c: number, t: number) => c - 10 + (10 + c) * Math.sin(2 * Math.PI * (1 + c) * t);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-edf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EDF+ written by EDFlib', () => {
  it('reads labels, rate, scaling, start time, patient and annotations', async () => {
    const rec = await readEdf(fixture('clinical-256hz.edf'), { targetRateHz: null });
    expect(rec.source.format).toBe('edf+c');
    expect(rec.sampleRateHz).toBe(256);
    expect(rec.channels.slice(0, 8)).toEqual(['Fp1', 'F3', 'C3', 'P3', 'F7', 'T3', 'T5', 'O1']);
    expect(rec.channels[19]).toBe('EKG');
    expect(rec.data[0].length).toBe(5 * 256);
    expect(rec.source.startTime).toBe('2023-05-17T13:45:10');
    expect(rec.source.patientId).toBe('PAT-0042');
    expect(rec.units[3]).toBe('uV');
    const quantum = 1000 / 65535;
    for (const c of [0, 7, 19]) {
      for (const i of [0, 100, 1000]) expect(Math.abs(rec.data[c][i] - truth(c, i / 256))).toBeLessThan(quantum);
    }
    expect(rec.annotations).toEqual([
      { onsetSec: 1.25, durationSec: 0.5, text: 'eyes closed' },
      { onsetSec: 3, durationSec: 0, text: 'seizure onset ⚡' },
    ]);
  });

  it('resamples 256 Hz to 200 Hz and fits the HMS layout', async () => {
    const { recording, missing } = toHmsLayout(await readEdf(fixture('clinical-256hz.edf')));
    expect(recording.sampleRateHz).toBe(200);
    expect(recording.channels).toEqual(HMS_CHANNELS);
    expect(missing).toEqual([]);
    expect(recording.data[0].length).toBe(1000);
    // Away from the ends, the 1 Hz sine of Fp1 is where it was.
    for (const i of [300, 500, 700]) expect(Math.abs(recording.data[0][i] - truth(0, i / 200))).toBeLessThan(0.05);
  });

  it('brings signals of different rates (250, 500, 512 Hz) to one', async () => {
    const rec = await readEdf(fixture('mixed-rates.edf'));
    expect(rec.data.every((d) => d.length === 800)).toBe(true);
    for (const c of [0, 1]) expect(Math.abs(rec.data[c][400] - truth(c, 2))).toBeLessThan(0.05);
    await expect(readEdf(fixture('mixed-rates.edf'), { targetRateHz: null })).rejects.toThrow('different rates (250, 500, 512 Hz)');
  });

  it('reads 24-bit BDF+', async () => {
    const rec = await readEdf(fixture('clinical-256hz.bdf'), { targetRateHz: null });
    expect(rec.source.format).toBe('bdf');
    expect(rec.data[5].length).toBe(4 * 256);
    expect(Math.abs(rec.data[5][77] - truth(5, 77 / 256))).toBeLessThan(1e-3);
  });
});

function recording(seconds: number, rate = 200): Recording {
  return {
    channels: ['EEG Fp1-REF', 'EEG Cz-REF'],
    sampleRateHz: rate,
    data: [0, 1].map((c) => Float32Array.from({ length: seconds * rate }, (_, i) => 30 * Math.sin((2 * Math.PI * (2 + c) * i) / rate) + c)),
    units: ['uV', 'uV'],
    annotations: [{ onsetSec: 2.5, durationSec: 1, text: 'spike' }],
    source: { path: 'mem', format: 'edf' },
  };
}

describe('our EDF writer', () => {
  it('round-trips within one quantisation step', async () => {
    const path = join(dir, 'round.edf');
    const rec = recording(6);
    await writeEdf(path, rec);
    const back = await readEdf(path, { targetRateHz: null });
    expect(back.channels).toEqual(['Fp1', 'Cz']);
    expect(back.annotations).toEqual([{ onsetSec: 2.5, durationSec: 1, text: 'spike' }]);
    const step = 61 / 65535;
    back.data.forEach((ch, c) => ch.forEach((v, i) => expect(Math.abs(v - rec.data[c][i])).toBeLessThan(step)));
  });
});

/** Patches an ASCII header field of an EDF held in memory. */
function patch(bytes: Uint8Array, offset: number, width: number, text: string): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < width; i++) out[offset + i] = i < text.length ? text.charCodeAt(i) : 32;
  return out;
}

describe('EDF+D and broken files', () => {
  it('places discontinuous records at their times with NaN in the gap', async () => {
    const bytes = encodeEdf(recording(4));
    // Records start at 0, 1, 2, 3 s; move the last two to 5 and 6 s and mark the file EDF+D.
    const text = new TextDecoder('latin1').decode(bytes);
    const path = join(dir, 'gap.edf');
    let out = patch(bytes, 192, 44, 'EDF+D');
    const recordBytes = (2 * 200 + 32) * 2;
    const headerBytes = 256 * 4;
    for (const [r, t] of [[2, 5], [3, 6]]) {
      const at = headerBytes + r * recordBytes + 2 * 200 * 2;
      expect(text.slice(at, at + 2)).toBe(`+${r}`);
      out = patch(out, at, 2, `+${t}`);
    }
    await writeFile(path, out);
    const rec = await readEdf(path, { targetRateHz: null });
    expect(rec.source.format).toBe('edf+d');
    expect(rec.data[0].length).toBe(7 * 200);
    expect(Number.isNaN(rec.data[0][3 * 200 + 50])).toBe(true);
    expect(Number.isNaN(rec.data[0][5 * 200 + 50])).toBe(false);
    expect(rec.annotations[0].onsetSec).toBe(2.5);
  });

  it('names the file and the problem, never crashes', async () => {
    const good = encodeEdf(recording(3));
    const cases: [string, Uint8Array, string][] = [
      ['truncated', good.subarray(0, good.length - 500), 'the header declares 3 data records but the file holds 2 (truncated?)'],
      ['short', good.subarray(0, 100), 'too short for an EDF header'],
      ['inside-header', good.subarray(0, 600), 'truncated inside the header'],
      ['header-bytes', patch(good, 184, 8, '999'), 'the header says it is 999 bytes, but 3 signals make it 1024'],
      ['records', patch(good, 236, 8, 'many'), 'header field "number of data records" is not an integer: "many"'],
      ['signals', patch(good, 252, 4, '0'), 'the header declares 0 signals'],
      ['digital', patch(good, 256 + 120 * 3, 8, '40000'), 'signal 1 (EEG Fp1-REF) has digital minimum 40000 ≥ maximum 32767'],
      ['spr', patch(good, 256 + 216 * 3, 8, '0'), 'signal 1 (EEG Fp1-REF) has 0 samples per data record'],
      ['version', patch(good, 0, 8, 'PK'), 'not an EDF or BDF file'],
      ['tal', patch(good, 256 * 4 + 800, 4, 'abcd'), 'garbled annotation in data record 1'],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, `${name}.edf`);
      await writeFile(path, bytes);
      await expect(readEdf(path), name).rejects.toThrow(`${path}: ${message}`);
    }
  });

  it('reads a file whose record count is unknown (-1) from its size', async () => {
    const path = join(dir, 'unknown.edf');
    await writeFile(path, patch(encodeEdf(recording(3)), 236, 8, '-1'));
    expect((await readEdf(path, { targetRateHz: null })).data[0].length).toBe(600);
  });

  it('reads a 1-hour 19-channel 256 Hz file', async () => {
    const hour: Recording = {
      channels: HMS_CHANNELS.slice(0, 19).map((c) => `EEG ${c}-REF`),
      sampleRateHz: 256,
      data: Array.from({ length: 19 }, (_, c) => Float32Array.from({ length: 3600 * 256 }, (_, i) => Math.sin(i / (10 + c)) * 50)),
      units: Array(19).fill('uV'),
      annotations: [],
      source: { path: 'mem', format: 'edf' },
    };
    const path = join(dir, 'hour.edf');
    await writeEdf(path, hour);
    expect((await readFile(path)).length).toBeGreaterThan(3600 * 256 * 19 * 2);
    const { recording: rec, missing } = toHmsLayout(await readEdf(path));
    expect(rec.data[0].length).toBe(3600 * 200);
    expect(missing).toEqual(['EKG']);
  });
});
