/**
 * A whole training run of the default model on onnxruntime and on the tfjs engine (wasm, one
 * worker) from the same seed: the same epochs, losses and held-out scores within float tolerance —
 * augmentation, dropout, batch-norm statistics, the schedule and checkpoints included (measured
 * 3 epochs apart by at most 4e-7 in loss and in held-out KL).
 *
 * At a gentle learning rate: at the default 2e-3 these 5 patients are overfit within two epochs
 * (held-out KL climbing from 1.8 to 2.9), a chaotic stretch where any two summation orders part —
 * 2e-7 after the first epoch, 3e-5 after the second, 5e-4 after the third — which says nothing of
 * the engines. A wrong gradient parts them by 1e-2 and more from the first steps (ort/gradients.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../core/training';
import { buildCache } from '../../cache/build';
import { generateDataset } from '../../generate/dataset';
import { trainRun } from '../run';

let dir: string;
let config: TrainConfig;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-engines-'));
  await generateDataset({ out: join(dir, 'data'), patients: 5, recordings: 1, testRecordings: 1, seed: 13, difficulty: 'easy' });
  await buildCache(join(dir, 'data'), join(dir, 'cache'));
  config = { ...DEFAULT_TRAIN_CONFIG, cacheDir: join(dir, 'cache'), folds: 3, epochs: 3, batch: 8, workers: 1, lr: 3e-4 };
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('engines', () => {
  it('train the same run epoch by epoch from the same seed', async () => {
    const ort = await trainRun({ ...config, engine: 'onnxruntime' }, join(dir, 'ort'));
    const tfjs = await trainRun({ ...config, engine: 'tfjs' }, join(dir, 'tfjs'));
    expect(ort.backend.name).toBe('onnxruntime');
    expect(tfjs.backend.name).toBe('wasm');
    expect(ort.history.map((h) => h.epoch)).toEqual(tfjs.history.map((h) => h.epoch));
    ort.history.forEach((h, i) => {
      expect(Math.abs(h.trainLoss - tfjs.history[i].trainLoss) / tfjs.history[i].trainLoss, `loss, epoch ${h.epoch}`).toBeLessThan(1e-5);
      expect(Math.abs(h.valKL - tfjs.history[i].valKL) / tfjs.history[i].valKL, `val KL, epoch ${h.epoch}`).toBeLessThan(1e-5);
    });
  }, 300_000);
});
