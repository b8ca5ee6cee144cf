/**
 * A recording without some electrodes, as a clinical EDF often is (a TUH clip without O1, O2, T5
 * and Cz): every chain touching one of them is flat and named, never the other electrode's
 * referential signal — in `hms window`'s output, and in what `hms classify` feeds its model,
 * where too many flat chains refuse the window. Run through the built CLI on a real EDF.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { montageChannelNames } from '../../core/montage';
import { writeEdf } from '../formats/edf-write';
import { readNpyFloat32Slice } from '../formats/npy';
import { readHmsEegParquet } from '../formats/parquet';
import { generateDataset } from '../generate/dataset';
import { tinyModelBytes } from '../hostile/shared';
import { hms } from './run-hms';

const DROPPED = ['T5', 'O1', 'Cz', 'O2'];
const FLAT = ['T3-T5', 'T5-O1', 'T6-O2', 'P3-O1', 'P4-O2', 'Fz-Cz', 'Cz-Pz'];
const NOTE = `${FLAT.join(', ')} (electrodes ${DROPPED.join(', ')} missing or flat)`;

let dir: string;
let edf: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-absent-'));
  await generateDataset({ out: join(dir, 'data'), patients: 1, recordings: 1, testRecordings: 1, seed: 4 });
  const [file] = await readdir(join(dir, 'data', 'test_eegs'));
  const rec = await readHmsEegParquet(join(dir, 'data', 'test_eegs', file));
  const keep = rec.channels.flatMap((c, i) => (DROPPED.includes(c) ? [] : [i]));
  edf = join(dir, 'without-four.edf');
  await writeEdf(edf, { ...rec, channels: keep.map((i) => rec.channels[i]), data: keep.map((i) => rec.data[i]), units: keep.map((i) => rec.units[i]) });
  model = join(dir, 'tiny.onnx');
  await writeFile(model, tinyModelBytes());
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a recording without some electrodes', () => {
  it('gives flat chains where an electrode is missing, and the true derivation everywhere else', async () => {
    const out = join(dir, 'window.npy');
    const written = await hms('window', edf, '--out', out, '--max-missing', '0.5');
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain(`warning: ${edf}: no signal in ${NOTE}; written as zeros`);
    const rows = await readNpyFloat32Slice(out, 0, 10_000);
    const names = montageChannelNames('bipolar');
    for (const [i, name] of names.entries()) {
      const peak = Math.max(...rows[i].map(Math.abs));
      if (FLAT.includes(name)) expect(peak, name).toBe(0);
      else expect(peak, name).toBeGreaterThan(1);
    }
  }, 60_000);

  it('is refused for classification past the share of flat chains, naming them, and classified flat-chained when allowed', async () => {
    const refused = await hms('classify', edf, '--model', model);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${edf}: `);
    expect(refused.stderr).toContain(`no signal in 7 of 18 channels (over 20%): ${NOTE}`);
    const allowed = await hms('classify', edf, '--model', model, '--max-missing', '0.4', '--json');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain(`warning: ${edf}: no signal in ${NOTE}; fed to the model flat`);
    expect(Object.values(JSON.parse(allowed.stdout).probabilities as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 60_000);
});
