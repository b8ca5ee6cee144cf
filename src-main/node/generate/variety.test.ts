/**
 * The variety control (#14 item 3): the ranges widen with it, measured on the signals the generator
 * writes; a dataset is the same for the same seed at every variety, records its variety, and differs
 * between varieties.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMS_SAMPLE_RATE_HZ as FS } from '../../core/eeg';
import { powerSpectrum } from '../../core/fft';
import { Random } from '../../core/random';
import { parseArgs } from '../cli/args';
import { type CliIo, UsageError } from '../cli/command';
import { generateCommand } from '../cli/generate-command';
import { background } from './background';
import { generateDataset } from './dataset';
import { makePatient } from './patient';
import { PATIENT } from './ranges';
import { spanAt } from './variety';
import { periodicDischarges } from './waves';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-variety-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const VARIETIES = [0, 1, 2];
const std = (x: readonly number[]) => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
};

/** Discharges per second: the troughs of a discharge train, each its sharp negative phase. */
function dischargeRate(x: Float64Array): number {
  const threshold = 0.5 * Math.min(...x);
  let count = 0;
  let last = -Infinity;
  for (let i = 1; i + 1 < x.length; i++) {
    if (x[i] < threshold && x[i] <= x[i - 1] && x[i] < x[i + 1] && i - last > 0.12 * FS) {
      count++;
      last = i;
    }
  }
  return count / (x.length / FS);
}

/** The log-log slope of a channel's power between 2 and 30 Hz. */
function spectralSlope(x: Float64Array): number {
  const p = new Float64Array(513);
  for (let start = 0; start + 1024 <= x.length; start += 512) {
    const q = powerSpectrum(Array.from(x.subarray(start, start + 1024)), 1024);
    for (let k = 0; k <= 512; k++) p[k] += q[k];
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 10; k <= 150; k++) {
    xs.push(Math.log((k * FS) / 1024));
    ys.push(Math.log(p[k]));
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
}

/** A property measured on the signals of `patients` patients drawn at each variety: its spread across them. */
function spreadByVariety(patients: number, measure: (rng: Random, variety: number) => number): number[] {
  return VARIETIES.map((variety) => {
    const rng = new Random(17);
    return std(Array.from({ length: patients }, () => measure(rng, variety)));
  });
}

describe('the ranges widen with the variety', () => {
  it('a range is its centre at 0, the default range at 1 and the widest at 2', () => {
    const near = ([lo, hi]: number[], expected: [number, number]) => {
      expect(lo).toBeCloseTo(expected[0], 9);
      expect(hi).toBeCloseTo(expected[1], 9);
    };
    near(spanAt(PATIENT.periodicHz, 0), [1.4, 1.4]);
    near(spanAt(PATIENT.periodicHz, 1), [0.6, 2.2]);
    near(spanAt(PATIENT.periodicHz, 1.5), [0.5, 2.6]);
    near(spanAt(PATIENT.periodicHz, 2), [0.4, 3]);
    const [lo, hi] = spanAt(PATIENT.ekgUv, 0);
    expect(lo).toBeCloseTo(Math.sqrt(80 * 3000), 6);
    expect(hi).toBeCloseTo(lo, 6);
  });

  it('LPD discharge rates spread wider across patients as the variety grows', () => {
    const [narrow, normal, wide] = spreadByVariety(30, (rng, variety) => dischargeRate(periodicDischarges(rng, makePatient(rng, 'p', variety), 30 * FS, 100)));
    console.log('rates', narrow, normal, wide);
    expect(narrow).toBeLessThan(0.1);
    expect(normal).toBeGreaterThan(narrow + 0.2);
    expect(wide).toBeGreaterThan(1.2 * normal);
  });

  it('background spectral slopes spread wider across patients as the variety grows', () => {
    const [narrow, normal, wide] = spreadByVariety(16, (rng, variety) => spectralSlope(background(rng, makePatient(rng, 'p', variety), 20 * FS)[9]));
    console.log('slopes', narrow, normal, wide);
    expect(normal).toBeGreaterThan(1.5 * narrow);
    expect(wide).toBeGreaterThan(1.3 * normal);
  });
});

describe('the patterns stay what their truth says at any variety', () => {
  it('periodic discharges keep an interval between them, even fast and broad ones (ACNS 2021)', () => {
    const rng = new Random(23);
    for (let k = 0; k < 40; k++) {
      const x = periodicDischarges(rng, makePatient(rng, 'p', 2), 30 * FS, 100);
      // Between discharges the trace is back near baseline: < 5% of the peak on a tenth of the samples at least.
      expect(x.filter((v) => Math.abs(v) < 5).length / x.length).toBeGreaterThan(0.1);
    }
  });
});

describe('a dataset at any variety', () => {
  const small = (name: string, variety: number, seed = 3) => generateDataset({ out: join(dir, name), patients: 2, recordings: 1, testRecordings: 1, seed, variety });
  const hashes = async (name: string) => {
    const files = ['train.csv', 'truth.csv', ...(await readdir(join(dir, name, 'train_eegs'))).sort().map((f) => join('train_eegs', f))];
    return Promise.all(
      files.map(async (f) =>
        createHash('sha1')
          .update(await readFile(join(dir, name, f)))
          .digest('hex'),
      ),
    );
  };

  it('is the same for the same seed at each variety, and differs between varieties', async () => {
    for (const variety of [0, 1.6]) {
      const summary = await small(`a${variety}`, variety);
      await small(`b${variety}`, variety);
      expect(await hashes(`b${variety}`)).toEqual(await hashes(`a${variety}`));
      expect(summary.variety).toBe(variety);
    }
    const [narrow, wide] = await Promise.all([hashes('a0'), hashes('a1.6')]);
    // The same seed draws the same scenes, so the same ids: the recordings themselves differ.
    expect(wide.slice(2)).toHaveLength(narrow.length - 2);
    for (let i = 2; i < wide.length; i++) expect(wide[i]).not.toBe(narrow[i]);
  }, 120_000);

  it('`hms generate --variety` reaches the generator and its summary; out of 0–2 is refused', async () => {
    const io: CliIo = { out: () => {}, err: () => {}, json: () => {}, status: () => {}, signal: new AbortController().signal };
    const run = (...argv: string[]) => generateCommand.run(parseArgs(argv, generateCommand.options), io);
    expect(await run('--out', join(dir, 'cli'), '--patients', '1', '--recordings', '1', '--test', '1', '--variety', '0.4')).toBe(0);
    const written = JSON.parse(await readFile(join(dir, 'cli', 'summary.json'), 'utf8'));
    expect(written.variety).toBe(0.4);
    expect(written.ranges.patient.periodicHz).toEqual(spanAt(PATIENT.periodicHz, 0.4).map((x) => Number(x.toPrecision(3))));
    for (const bad of ['-0.1', '2.5', 'x']) await expect(run('--out', join(dir, 'bad'), '--variety', bad)).rejects.toThrow(UsageError);
  }, 60_000);
});
