/**
 * `OrtTrainer` against the tfjs engine (`LocalTrainer` on the `cpu` backend) from the same seed:
 * the same starting weights, the same losses and weights step after step (dropout masks and
 * running statistics included), the same predictions; a model with an LSTM too long to unroll refused; and
 * `startTrainer`'s choice of engine.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CONV_LSTM } from '../../../core/model-zoo';
import type { ModelSpec } from '../../../core/models';
import { backendLine } from '../../../core/training';
import { syntheticBatch } from '../../bench/train-bench';
import { buildModel } from '../build-model';
import { unavailableReason } from '../../onnx/providers';
import { LocalTrainer, startTrainer } from '../trainer';
import { OrtTrainer } from './ort-trainer';

const SPEC: ModelSpec = {
  name: 'agreement',
  description: 'conv, pools, batch norm and dropout at test size',
  input: { channels: 4, samples: 64 },
  layers: [
    { kind: 'conv1d', filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' },
    { kind: 'maxPool1d', size: 4 },
    { kind: 'conv1d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'globalAvgPool1d' },
    { kind: 'batchNorm' },
    { kind: 'dropout', rate: 0.3 },
    { kind: 'dense', units: 10, activation: 'relu' },
    { kind: 'dropout', rate: 0.5 },
    { kind: 'dense', units: 6, activation: 'linear' },
  ],
};

const ROWS = 8;
const STEPS = 6;

/** max |a − b| / max |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe('OrtTrainer', () => {
  const trainers: { close(): Promise<void> }[] = [];
  afterAll(async () => Promise.all(trainers.map((t) => t.close())));

  it('trains step by step as the tfjs engine does from the same seed', async () => {
    await tf.setBackend('cpu');
    const adam = { lr: 3e-3 };
    const reference = new LocalTrainer({ name: 'wasm', device: 'cpu', threads: 1 }, buildModel(SPEC, 7), adam);
    const ours = await OrtTrainer.start({ spec: SPEC, seed: 7, adam, threads: 1 });
    trainers.push(reference, ours);
    expect(ours.weights).toEqual(reference.weights);
    expect(ours.backend).toEqual({ name: 'onnxruntime', device: 'cpu', threads: 1 });
    for (let step = 0; step < STEPS; step++) {
      const { x, y } = syntheticBatch(SPEC, ROWS, 100 + step);
      const loss = step % 3 === 2 ? 'mse' : 'kl';
      const [expected, got] = [await reference.step(x, y, ROWS, loss), await ours.step(x, y, ROWS, loss)];
      expect(Math.abs(got - expected) / expected, `loss of step ${step + 1}`).toBeLessThan(1e-5);
    }
    expect(relativeError(ours.weights, reference.weights)).toBeLessThan(1e-5);
    const { x } = syntheticBatch(SPEC, 5, 200);
    expect(relativeError(await ours.predict(x, 5), await reference.predict(x, 5))).toBeLessThan(1e-5);
  });

  // Where onnxruntime-node's CUDA provider is installed, the trainer would start there instead.
  it.runIf(unavailableReason('cuda'))('falls back to the CPU, saying why in one line, when the GPU provider asked for cannot start', async () => {
    const trainer = await OrtTrainer.start({ spec: SPEC, device: 'cuda', threads: 1 });
    trainers.push(trainer);
    expect(trainer.backend).toEqual({ name: 'onnxruntime', device: 'cpu', threads: 1, fallback: `on the CPU: ${unavailableReason('cuda')}` });
    expect(backendLine(trainer.backend)).toBe('onnxruntime · CPU · 1 thread');
    const { x, y } = syntheticBatch(SPEC, 2, 1);
    expect(await trainer.step(x, y, 2)).toBeGreaterThan(0);
  });

  it('refuses a model with an LSTM too long to unroll, saying so', async () => {
    await expect(OrtTrainer.start({ spec: CONV_LSTM })).rejects.toThrow(/an LSTM over 2500 steps; onnxruntime trains an LSTM unrolled, up to 256 steps/);
  });
});

describe('startTrainer', () => {
  it('trains on onnxruntime by default, on tfjs when asked, and says why a model with a long LSTM falls back to tfjs', async () => {
    const ort = await startTrainer({ spec: SPEC, maxBatch: 4 });
    const tfjs = await startTrainer({ spec: SPEC, maxBatch: 4, workers: 1, engine: 'tfjs' });
    const lstm = await startTrainer({ spec: CONV_LSTM, maxBatch: 1, workers: 1 });
    try {
      expect(ort.backend).toEqual({ name: 'onnxruntime', device: 'cpu', threads: availableParallelism() });
      expect(tfjs.backend).toMatchObject({ name: 'wasm', threads: 1 });
      expect(tfjs.backend.fallback).toBeUndefined();
      expect(lstm.backend).toMatchObject({ name: 'wasm', fallback: expect.stringMatching(/^model "convlstm" has an LSTM over 2500 steps; .* so it trains on the tfjs engine$/) });
    } finally {
      await Promise.all([ort.close(), tfjs.close(), lstm.close()]);
    }
  });
});
