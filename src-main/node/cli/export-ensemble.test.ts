/**
 * `hms export`'s calibration and `--ensemble`: a temperature fitted on the run's held-out fold
 * and applied inside the graph; the runs of a cross-validation as one ONNX model whose output is
 * the mean of its members' probabilities — checked against the members exported alone, in
 * onnxruntime — that classify uses as it is, and that refuses members fed otherwise.
 */
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTemperature } from '../../core/calibration';
import { CLASSES } from '../../core/eeg';
import { poolEvaluations } from '../../core/evaluation';
import { DEFAULT_TRAIN_CONFIG, type TrainResult } from '../../core/training';
import { buildCache } from '../cache/build';
import { generateDataset } from '../generate/dataset';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { OnnxClassifier } from '../onnx/classifier';
import { readCheckpoint, writeCheckpoint } from '../train/checkpoint';
import { trainRun } from '../train/run';
import { BEST_CHECKPOINT, type ModelCheckpointMeta } from '../train/run-folder';
import { hms } from './run-hms';

let dir: string;
let data: string;
let cv: string;
let results: TrainResult[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-ensemble-'));
  data = join(dir, 'data');
  cv = join(dir, 'cv');
  await generateDataset({ out: data, patients: 4, recordings: 7, testRecordings: 1, seed: 8 });
  await buildCache(data, join(dir, 'cache'));
  results = [];
  for (const fold of [0, 1])
    results.push(await trainRun({ ...DEFAULT_TRAIN_CONFIG, cacheDir: join(dir, 'cache'), folds: 2, fold, epochs: 1, batch: 8 }, join(cv, `fold-${fold + 1}`)));
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A deterministic EEG-sized input, large enough that the members disagree. */
function input(rows: number, channels: number, samples: number): Float32Array {
  return Float32Array.from({ length: rows * channels * samples }, (_, i) => 80 * Math.sin(i * 0.0137) + 30 * Math.sin(i * 0.31 + (i % 7)));
}

describe('hms export calibration', () => {
  it("fits a temperature on the run's held-out windows and applies it inside the graph", async () => {
    const calibrated = join(dir, 'calibrated.onnx');
    const plain = join(dir, 'plain.onnx');
    const [a, b] = await Promise.all([
      hms('export', join(cv, 'fold-1'), '--out', calibrated, '--json'),
      hms('export', join(cv, 'fold-1'), '--out', plain, '--no-calibrate', '--json'),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const { calibration } = JSON.parse(a.stdout);
    expect(a.stderr).toBe('');
    expect(JSON.parse(b.stdout).calibration).toBeUndefined();
    expect(calibration.windows).toBe(results[0].valWindows);
    expect(calibration.temperature).toBeGreaterThan(0);
    expect(calibration.klAfter).toBeLessThanOrEqual(calibration.klBefore + 1e-9);
    const text = await hms('export', join(cv, 'fold-1'), '--out', calibrated);
    expect(text.stdout).toContain(`calibrated on ${calibration.windows} held-out windows: temperature ${calibration.temperature.toFixed(3)}`);

    const [withT, without] = await Promise.all([OnnxClassifier.open(calibrated), OnnxClassifier.open(plain)]);
    try {
      expect(withT.info.calibration).toEqual(calibration);
      const x = input(2, withT.info.channels.length, withT.info.windowSamples);
      const [p, q] = await Promise.all([withT.run(x, 2), without.run(x, 2)]);
      for (let r = 0; r < 2; r++) {
        const expected = withTemperature(Array.from(q.subarray(r * 6, r * 6 + 6)), calibration.temperature);
        expected.forEach((v, k) => expect(Math.abs(p[r * 6 + k] - v), `row ${r} class ${k}`).toBeLessThan(1e-5));
      }
    } finally {
      await Promise.all([withT.close(), without.close()]);
    }
  }, 60_000);

  it("exports uncalibrated, saying why, when the run's cache is gone", async () => {
    const moved = join(dir, 'cache-moved');
    await rename(join(dir, 'cache'), moved);
    try {
      const r = await hms('export', join(cv, 'fold-2'), '--out', join(dir, 'uncalibrated.onnx'), '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^warning: ${join(cv, 'fold-2')}: not calibrated: the run's cache cannot be read \\(.*${join(dir, 'cache')}.*\\)\n$`));
      expect(JSON.parse(r.stdout).calibration).toBeUndefined();
    } finally {
      await rename(moved, join(dir, 'cache'));
    }
  }, 60_000);
});

describe('hms export --ensemble', () => {
  it('averages the fold models in one graph, says what it is made of, and classifies as any model does', async () => {
    const out = join(dir, 'ensemble.onnx');
    const exported = await hms('export', '--ensemble', cv, '--out', out, '--json');
    expect(exported.code, exported.stderr).toBe(0);
    const info = JSON.parse(exported.stdout);
    expect(info.model).toBe('ensemble of 2 chainnet');
    expect(info.members.map((m: { source: string }) => m.source)).toEqual(['fold-1', 'fold-2']);
    const pooled = poolEvaluations(results.map((r) => r.evaluation!));
    expect(info.validation).toMatchObject({ pooledFolds: 2, priorKL: pooled.priorKL, accuracy: pooled.accuracy });
    expect(info.validation.valKL).toBeCloseTo(pooled.valKL, 10);

    const alone = await Promise.all(
      [1, 2].map(async (k) => {
        const path = join(dir, `fold-${k}.onnx`);
        await exportCheckpoint(join(cv, `fold-${k}`), path);
        return OnnxClassifier.open(path);
      }),
    );
    const ensemble = await OnnxClassifier.open(out);
    try {
      expect(ensemble.info.members).toHaveLength(2);
      const rows = 3;
      const x = input(rows, ensemble.info.channels.length, ensemble.info.windowSamples);
      const [a, b] = await Promise.all(alone.map((m) => m.run(x, rows)));
      const got = await ensemble.run(x, rows);
      expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-4);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - (a[i] + b[i]) / 2)).toBeLessThan(1e-6);
    } finally {
      await Promise.all([ensemble, ...alone].map((m) => m.close()));
    }

    const [testEeg] = await readdir(join(data, 'test_eegs'));
    const classified = await hms('classify', join(data, 'test_eegs', testEeg), '--model', out, '--json');
    expect(classified.code, classified.stderr).toBe(0);
    const p = JSON.parse(classified.stdout).probabilities as Record<string, number>;
    expect(Object.keys(p)).toEqual([...CLASSES]);
    expect(Object.values(p).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  }, 120_000);

  it('refuses a folder without fold runs, a single run, and members fed otherwise, naming the folder', async () => {
    const one = await hms('export', '--ensemble', join(cv, 'fold-1'), '--out', join(dir, 'x.onnx'));
    expect(one.code).toBe(1);
    expect(one.stderr).toBe(`hms export: ${join(cv, 'fold-1')}: holds 0 fold runs (fold-1, fold-2, …, from hms train --fold all); an ensemble needs two or more\n`);

    const other = join(dir, 'clipped');
    await mkdir(other);
    const { meta, arrays } = await readCheckpoint<ModelCheckpointMeta>(join(cv, 'fold-2', BEST_CHECKPOINT));
    await writeCheckpoint(join(other, BEST_CHECKPOINT), { meta: { ...meta, preprocess: { ...meta.preprocess, clipUv: 500 } }, arrays });
    const mixed = await hms('export', '--ensemble', join(cv, 'fold-1'), other, '--out', join(dir, 'x.onnx'));
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe(`hms export: ${other}: its model is fed otherwise (preprocess) than ${join(cv, 'fold-1')}'s: an ensemble's members share one input\n`);

    const usage = await hms('export', join(cv, 'fold-1'), join(cv, 'fold-2'), '--out', join(dir, 'x.onnx'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give one run folder or checkpoint');
  }, 60_000);
});
