import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../core/eeg';
import { DEFAULT_TRAIN_CONFIG } from '../../core/training';
import { verdict } from '../../core/verdict';
import { buildCache } from '../cache/build';
import { readSubmissionCsv } from '../formats/hms-folder';
import { generateDataset } from '../generate/dataset';
import { tinyModelBytes, tinyWeights } from '../hostile/shared';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { trainRun } from '../train/run';
import { hms, type HmsResult } from './run-hms';

let dir: string;
let data: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-classify-cli-'));
  data = join(dir, 'data');
  await generateDataset({ out: data, patients: 3, recordings: 1, testRecordings: 2, seed: 6 });
  await buildCache(data, join(dir, 'cache'));
  await trainRun({ ...DEFAULT_TRAIN_CONFIG, cacheDir: join(dir, 'cache'), folds: 3, epochs: 1, batch: 8 }, join(dir, 'run'));
  model = join(dir, 'model.onnx');
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hms export, classify and submit', () => {
  it('export a run, classify a recording and a timeline, and write a Kaggle submission', async () => {
    const exported = await hms('export', join(dir, 'run'), '--out', model, '--json');
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file: model, model: 'chainnet', sampleRateHz: 200, windowSamples: 10_000 });

    const [testEeg] = await readdir(join(data, 'test_eegs'));
    const one = await hms('classify', join(data, 'test_eegs', testEeg), '--model', model, '--json');
    expect(one.code, one.stderr).toBe(0);
    const { probabilities } = JSON.parse(one.stdout);
    expect(Object.keys(probabilities)).toEqual([...CLASSES]);
    expect(Object.values(probabilities as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // In words, a class is called only when the model is clear about it (core/verdict.ts).
    const text = await hms('classify', join(data, 'test_eegs', testEeg), '--model', model);
    const called = verdict(CLASSES.map((c) => probabilities[c]));
    const said = text.stdout.trim().split('\n').at(-1);
    if (called.uncertain) expect(said).toBe(`uncertain: ${called.uncertain} (the most probable, ${called.best}, has ${(100 * called.p).toFixed(0)}%)`);
    else expect(said).toBe(`most likely ${called.best} (${(100 * called.p).toFixed(0)}%)`);

    const [trainEeg] = await readdir(join(data, 'train_eegs'));
    const csv = join(dir, 'timeline.csv');
    const timeline = await hms('classify', join(data, 'train_eegs', trainEeg), '--model', model, '--timeline', '--stride', '5', '--out', csv, '--json');
    expect(timeline.code, timeline.stderr).toBe(0);
    const points = JSON.parse(timeline.stdout).timeline as { startSec: number }[];
    expect(points.map((p) => p.startSec).slice(0, 3)).toEqual([0, 5, 10]);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe(['start_sec', ...CLASSES].join(','));
    expect(lines).toHaveLength(points.length + 1);

    const submission = join(dir, 'submission.csv');
    const submitted = await hms('submit', data, '--model', model, '--out', submission);
    expect(submitted.code, submitted.stderr).toBe(0);
    const rows = await readSubmissionCsv(submission);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 120_000);

  it('explain an offset outside the recording, a missing model, and a model made elsewhere without a preset', async () => {
    const [testEeg] = await readdir(join(data, 'test_eegs'));
    const recording = join(data, 'test_eegs', testEeg);
    const late = await hms('classify', recording, '--model', model, '--offset', '20');
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('--offset 20 s leaves no full 50-s window in a 50.0-s recording');
    const missing = await hms('classify', recording, '--model', join(dir, 'nope.onnx'));
    expect(missing.stderr).toContain('nope.onnx: cannot read the model');
    const external = await hms('classify', recording, '--model', join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx'));
    expect(external.stderr).toContain('name a preprocessing preset (notebook)');
    const withPreset = await hms('classify', recording, '--model', join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx'), '--preset', 'notebook', '--json');
    expect(withPreset.code, withPreset.stderr).toBe(0);
  }, 60_000);
});

describe('hms evaluate with an ONNX model', () => {
  const foreign = join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx');
  /** A refusal: exit 1, one line naming the file, never the temporary cache. */
  const refusal = (r: HmsResult, file: string) => {
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toContain('hms-evaluate-');
  };

  it('scores an exported model with the figures of the run it came from', async () => {
    const onnx = join(dir, 'evaluated.onnx');
    await exportCheckpoint(join(dir, 'run'), onnx);
    const [fromRun, fromOnnx] = await Promise.all([hms('evaluate', join(dir, 'run'), data, '--json'), hms('evaluate', onnx, data, '--json')]);
    expect(fromRun.code, fromRun.stderr).toBe(0);
    expect(fromOnnx.code, fromOnnx.stderr).toBe(0);
    const run = JSON.parse(fromRun.stdout);
    const e = JSON.parse(fromOnnx.stdout);
    expect(e).toMatchObject({ model: 'chainnet', onnx, windows: run.windows, epochs: run.epochs, backend: 'onnxruntime', confusion: run.confusion });
    for (const key of ['valKL', 'valKL10', 'priorKL', 'floorKL', 'accuracy']) expect(Math.abs(e[key] - run[key]), key).toBeLessThan(1e-4);
    expect(e.windows).toBeGreaterThan(0);
  }, 60_000);

  it('scores a model made elsewhere with --preset, and refuses it without one', async () => {
    refusal(await hms('evaluate', foreign, data), foreign);
    const scored = await hms('evaluate', foreign, data, '--preset', 'notebook', '--json');
    expect(scored.code, scored.stderr).toBe(0);
    const e = JSON.parse(scored.stdout);
    expect(e).toMatchObject({ model: 'external', onnx: foreign });
    expect(e).not.toHaveProperty('epochs');
    expect(e.valKL).toBeGreaterThan(0);
    expect(e.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(e.windows);
    const text = await hms('evaluate', foreign, data, '--preset', 'notebook');
    expect(text.stdout).toContain(`external from ${foreign} on ${data}: ${e.windows} windows`);
  }, 60_000);

  it('refuses --preset for a run, a model whose output is NaN, and a file that is no model', async () => {
    const preset = await hms('evaluate', join(dir, 'run'), data, '--preset', 'notebook');
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('--preset is for an ONNX model made elsewhere');
    const nan = join(dir, 'nan.onnx');
    await writeFile(nan, tinyModelBytes({}, tinyWeights(NaN)));
    const nanResult = await hms('evaluate', nan, data);
    refusal(nanResult, nan);
    expect(nanResult.stderr).toContain('the model returned NaN');
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a model');
    const notModel = await hms('evaluate', text, data);
    refusal(notModel, text);
    expect(notModel.stderr).toContain('not an ONNX model');
  }, 60_000);
});
