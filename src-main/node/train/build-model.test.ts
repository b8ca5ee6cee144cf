import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { describeModel } from '../../core/models';
import { useWasm } from './backend';
import { syntheticBatch } from './bench-train';
import { buildModel } from './build-model';
import { lossAndGradients, parameterCount, readWeights } from './gradients';
import { SMALL_NET } from './test-nets';
import { LocalTrainer } from './trainer';

const ROWS = 3;

async function stepOn(backend: 'cpu' | 'wasm') {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const model = buildModel(SMALL_NET, 5);
  const { x, y } = syntheticBatch(SMALL_NET, ROWS, 9);
  const weights = new Float32Array(parameterCount(model));
  const grads = new Float32Array(weights.length);
  readWeights(model, weights);
  const loss = lossAndGradients(model, x, y, ROWS, ROWS, grads);
  const logits = tf.tidy(() => model.apply(tf.tensor3d(x, [ROWS, SMALL_NET.input.samples, SMALL_NET.input.channels])).dataSync());
  model.dispose();
  return { loss, weights, grads, logits };
}

describe('buildModel', () => {
  it('makes one variable per weight of the spec, shaped as describeModel says, and nothing else, each time', async () => {
    await useWasm();
    const model = buildModel(SMALL_NET);
    expect(model.variables.map((v) => v.shape)).toEqual(describeModel(SMALL_NET).layers.flatMap((l) => l.weights.map((w) => w.shape)));
    expect(parameterCount(model)).toBe(describeModel(SMALL_NET).parameters);
    const before = tf.memory().numTensors;
    const again = buildModel(SMALL_NET);
    expect(tf.memory().numTensors - before).toBe(again.variables.length);
    again.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - model.variables.length);
  });

  it('trains on wasm exactly as on the cpu backend: same weights, logits, loss and gradients (1e-5)', async () => {
    const cpu = await stepOn('cpu');
    const wasm = await stepOn('wasm');
    expect(wasm.weights).toEqual(cpu.weights);
    const scale = (a: Float32Array) => Math.max(1, ...a.map(Math.abs));
    const error = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale(b);
    expect(error(wasm.logits as Float32Array, cpu.logits as Float32Array)).toBeLessThan(1e-5);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
    expect(error(wasm.grads, cpu.grads)).toBeLessThan(1e-5);
    // Every weight gets a gradient: nothing in the graph is cut off.
    expect(cpu.grads.filter((g) => g !== 0).length).toBeGreaterThan(cpu.grads.length * 0.5);
  });
});

describe('a training step', () => {
  it('leaves no tensor behind', async () => {
    const trainer = new LocalTrainer(await useWasm(), buildModel(SMALL_NET, 1));
    const { x, y } = syntheticBatch(SMALL_NET, ROWS, 2);
    await trainer.step(x, y, ROWS);
    const before = tf.memory();
    // The kernels' own temporaries live in the backend, outside tfjs's count of tensors.
    const buffers = () => (tf.backend() as BackendWasm).numDataIds();
    const buffersBefore = buffers();
    for (let i = 0; i < 3; i++) await trainer.step(x, y, ROWS);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(buffers()).toBe(buffersBefore);
    await trainer.close();
  });
});
