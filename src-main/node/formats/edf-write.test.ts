import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recording } from '../../core/eeg';
import { encodeEdf, writeEdf, writeEdfStreamed } from './edf-write';
import { parseEdf, readEdf } from './edf';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-edf-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recording(data: number[][] | Float32Array[], rate = 200): Recording {
  return {
    channels: data.map((_, c) => `EEG C${c}-REF`),
    sampleRateHz: rate,
    data: data.map((d) => Float32Array.from(d)),
    units: data.map(() => 'uV'),
    annotations: [],
    source: { path: 'mem', format: 'edf' },
  };
}

const sine = (seconds: number, rate: number, amplitude: number, offset = 0) =>
  Array.from({ length: seconds * rate }, (_, i) => offset + amplitude * Math.sin((2 * Math.PI * 3 * i) / rate));

/** Largest gap between what was written and what came back, in quantisation steps of that channel. */
function worstSteps(written: Recording, back: Recording): number {
  let worst = 0;
  written.data.forEach((ch, c) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ch) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const step = (hi - lo) / 65535;
    ch.forEach((v, i) => (worst = Math.max(worst, Math.abs(back.data[c][i] - v) / step)));
  });
  return worst;
}

describe('writeEdf', () => {
  it('round-trips through readEdf within one quantisation step, annotations and header included', async () => {
    const path = join(dir, 'round.edf');
    const rec: Recording = {
      ...recording([sine(6, 256, 30), sine(6, 256, 2000, -150), sine(6, 256, 123456.789)], 256),
      annotations: [
        { onsetSec: 0, durationSec: 0, text: 'start' },
        { onsetSec: 2.5, durationSec: 1.25, text: 'spike ⚡' },
        { onsetSec: 5.999, durationSec: 0, text: 'tab\x14inside' },
      ],
    };
    await writeEdf(path, rec, { patient: 'PAT 7', startTime: new Date(Date.UTC(2031, 1, 3, 4, 5, 6)) });
    expect((await readdir(dir)).filter((f) => f.startsWith('round'))).toEqual(['round.edf']);
    const back = await readEdf(path, { targetRateHz: null });
    expect(back.channels).toEqual(['EEG C0-REF', 'EEG C1-REF', 'EEG C2-REF']);
    expect(back.sampleRateHz).toBe(256);
    expect(back.source).toEqual({ path, format: 'edf+c', startTime: '2031-02-03T04:05:06', patientId: 'PAT_7' });
    expect(back.annotations).toEqual([
      { onsetSec: 0, durationSec: 0, text: 'start' },
      { onsetSec: 2.5, durationSec: 1.25, text: 'spike ⚡' },
      { onsetSec: 5.999, durationSec: 0, text: 'tab inside' },
    ]);
    expect(worstSteps(rec, back)).toBeLessThanOrEqual(0.51);
  });

  it('pads a last partial second and writes NaN as the digital minimum, below every real sample', () => {
    const rec = recording([[1, 2, NaN, 4, 5]], 4);
    const back = parseEdf(encodeEdf(rec), 'mem.edf', { targetRateHz: null });
    expect(back.data[0].length).toBe(8);
    const [one, two, gap, four, five, pad] = back.data[0];
    expect([one, two, four, five].map((v) => Math.round(v * 1000) / 1000)).toEqual([1, 2, 4, 5]);
    expect(gap).toBeLessThan(1);
    expect(pad).toBe(gap);
  });

  it('copes with constant and all-NaN channels and annotations outside the data', () => {
    const rec = {
      ...recording(
        [
          [7, 7, 7, 7],
          [NaN, NaN, NaN, NaN],
        ],
        2,
      ),
      annotations: [
        { onsetSec: -1, durationSec: 0, text: 'before' },
        { onsetSec: 9, durationSec: 0, text: 'after' },
      ],
    };
    const back = parseEdf(encodeEdf(rec), 'mem.edf', { targetRateHz: null });
    expect(Array.from(back.data[0]).every((v) => Math.abs(v - 7) < 1e-3)).toBe(true);
    expect(back.annotations.map((a) => [a.onsetSec, a.text])).toEqual([
      [-1, 'before'],
      [9, 'after'],
    ]);
  });

  it('refuses a rate that 1-s records cannot hold', () => {
    expect(() => encodeEdf(recording([[1, 2, 3]], 2.5))).toThrow('whole sample rate');
  });
});

describe('writeEdfStreamed', () => {
  it('writes a recording a block at a time that reads back within a quantisation step, a record a second', async () => {
    const path = join(dir, 'streamed.edf');
    const value = (c: number, i: number) => 100 * Math.sin((2 * Math.PI * (c + 1) * i) / 256) + c;
    const block = (first: number, seconds: number) => [0, 1, 2].map((c) => Float32Array.from({ length: seconds * 256 }, (_, k) => value(c, first * 256 + k)));
    await writeEdfStreamed(path, { channels: ['Fp1', 'Cz', 'ECG'], units: ['uV', 'uV', 'uV'], sampleRateHz: 256, seconds: 130, physicalRange: [-200, 200] }, block);
    const back = await readEdf(path, { targetRateHz: null });
    expect([back.source.format, back.channels, back.data[0].length, back.annotations]).toEqual(['edf+c', ['Fp1', 'Cz', 'EKG'], 130 * 256, []]);
    const step = 400 / 65535;
    for (const i of [0, 255, 256, 15_360, 33_279]) for (const c of [0, 1, 2]) expect(Math.abs(back.data[c][i] - value(c, i))).toBeLessThan(step);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
