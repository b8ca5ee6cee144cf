/**
 * Training from a cache stored at 50 Hz (core/cache-rate.ts): chainnet trains on it as the same
 * model, whose export takes 200-Hz windows as classify feeds them; a model that reads 200 Hz is
 * refused before it trains, in one line naming the cache.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specAtRate } from '../../core/cache-rate';
import { CHAIN_NET } from '../../core/model-zoo';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../core/training';
import { buildCache } from '../cache/build';
import { generateDataset } from '../generate/dataset';
import { predictSet } from '../infer/evaluate-onnx';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { OnnxClassifier } from '../onnx/classifier';
import { outlineModel } from '../onnx/onnx-model';
import { fillBatch, loadBatch, loadTrainingSet, NO_AUGMENTATION, type TrainingSet } from './data';
import { evaluateCheckpointOnFolder } from './evaluate-folder';
import { readModelCheckpoint } from './model-checkpoint';
import { trainRun } from './run';
import { BEST_CHECKPOINT, RUN_FILE } from './run-folder';
import { startTrainer } from './trainer';

let dir: string;
let config: TrainConfig;
const [at200, at50] = ['cache-200', 'cache-50'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-rate-'));
  await generateDataset({ out: join(dir, 'data'), patients: 3, recordings: 1, testRecordings: 1, seed: 5 });
  await buildCache(join(dir, 'data'), join(dir, at200));
  await buildCache(join(dir, 'data'), join(dir, at50), { rateHz: 50 });
  config = { ...DEFAULT_TRAIN_CONFIG, cacheDir: join(dir, at50), folds: 3, epochs: 1, batch: 4, workers: 1 };
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The set's first windows as a batch [rows, samples, channels], unaugmented. */
async function firstWindows(set: TrainingSet, rows: number): Promise<Float32Array> {
  const x = new Float32Array(rows * set.windowSamples * set.channels);
  await loadBatch(set, set.windows.slice(0, rows), NO_AUGMENTATION);
  fillBatch(set, set.windows.slice(0, rows), x, new Float32Array(rows * 6), NO_AUGMENTATION, null);
  return x;
}

/** [rows, samples, channels] → [rows, channels, samples], as ONNX takes it. */
function channelMajor(x: Float32Array, rows: number, samples: number, channels: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let t = 0; t < samples; t++) for (let c = 0; c < channels; c++) out[(r * channels + c) * samples + t] = x[(r * samples + t) * channels + c];
  return out;
}

describe('a 50-Hz cache', () => {
  it('trains chainnet, whose export takes 200-Hz windows and answers on them as the trainer did on the 50-Hz ones', async () => {
    const runDir = join(dir, 'chainnet');
    const result = await trainRun(config, runDir);
    expect(result.status).toBe('finished');
    const { meta, weights } = await readModelCheckpoint(join(runDir, BEST_CHECKPOINT));
    expect([meta.spec, meta.sampleRateHz, meta.windowSamples]).toEqual([CHAIN_NET, 200, 10_000]);

    const onnxPath = join(dir, 'chainnet.onnx');
    const info = await exportCheckpoint(runDir, onnxPath, { calibrate: false });
    expect([info.sampleRateHz, info.windowSamples]).toEqual([200, 10_000]);
    expect(outlineModel(await readFile(onnxPath)).inputs[0].dims.slice(1)).toEqual([19, 10_000]);

    const [set200, set50] = await Promise.all([loadTrainingSet(join(dir, at200)), loadTrainingSet(join(dir, at50))]);
    expect(set50.windows.map((w) => w.labelId)).toEqual(set200.windows.map((w) => w.labelId));
    const rows = Math.min(3, set50.windows.length);
    const trainer = await startTrainer({ spec: specAtRate(CHAIN_NET, 50)!, maxBatch: rows });
    const model = await OnnxClassifier.open(onnxPath);
    try {
      trainer.weights.set(weights);
      const trained = await trainer.predict(await firstWindows(set50, rows), rows);
      const exported = await model.run(channelMajor(await firstWindows(set200, rows), rows, 10_000, 19), rows);
      expect(exported.length).toBe(trained.length);
      exported.forEach((p, i) => expect(Math.abs(p - trained[i])).toBeLessThan(1e-5));
      // Export calibrates on the run's own cache: each 50-Hz sample fed 4 times, which the model's first pool turns back into it.
      const calibrating = (await predictSet(model, { ...set50, windows: set50.windows.slice(0, rows) })).flat();
      calibrating.forEach((p, i) => expect(Math.abs(p - trained[i])).toBeLessThan(1e-5));
    } finally {
      await Promise.all([trainer.close(), model.close()]);
    }
    // hms evaluate feeds the run's checkpoint the folder's 200-Hz windows, as classify would.
    const scored = await evaluateCheckpointOnFolder(runDir, join(dir, 'data'));
    expect(scored.windows).toBe(set200.windows.length);
    expect(scored.evaluation.valKL).toBeGreaterThan(0);
  }, 180_000);

  it('is refused to a model that reads 200 Hz, before it trains, in one line naming the cache', async () => {
    const runDir = join(dir, 'convmodel');
    for (const model of ['convmodel', 'convlstm']) {
      await expect(trainRun({ ...config, model }, runDir)).rejects.toThrow(
        `${config.cacheDir}: this cache holds 50-Hz windows; model ${model} reads 200 Hz — rebuild the cache with --rate 200`,
      );
    }
    await expect(readFile(join(runDir, RUN_FILE))).rejects.toThrow();
  });
});
