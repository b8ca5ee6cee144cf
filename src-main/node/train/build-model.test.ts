import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { describeModel, type ModelSpec } from '../../core/models';
import { syntheticBatch } from '../bench/train-bench';
import { useWasm } from './backend';
import { buildModel, hemisphereMatrices, hemisphereSymmetric, parameterCount, readWeights } from './build-model';
import { lossAndGradients } from './gradients';
import { SMALL_CHAIN_NET, SMALL_NET } from './small-nets.test-support';
import { LocalTrainer } from './trainer';

const ROWS = 3;

async function stepOn(backend: 'cpu' | 'wasm', spec: ModelSpec) {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const model = buildModel(spec, 5);
  const { x, y } = syntheticBatch(spec, ROWS, 9);
  const weights = new Float32Array(parameterCount(model));
  const grads = new Float32Array(weights.length);
  readWeights(model, weights);
  const loss = lossAndGradients(model, x, y, ROWS, ROWS, grads);
  const logits = tf.tidy(() => model.apply(tf.tensor3d(x, [ROWS, spec.input.samples, spec.input.channels])).dataSync());
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

  it.each([SMALL_NET, SMALL_CHAIN_NET].map((s) => [s.name, s] as const))(
    '%s trains on wasm exactly as on the cpu backend: same weights, logits, loss and gradients (1e-5)',
    async (_, spec) => {
      const cpu = await stepOn('cpu', spec);
      const wasm = await stepOn('wasm', spec);
      expect(wasm.weights).toEqual(cpu.weights);
      const scale = (a: Float32Array) => Math.max(1, ...a.map(Math.abs));
      const error = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale(b);
      expect(error(wasm.logits as Float32Array, cpu.logits as Float32Array)).toBeLessThan(1e-5);
      expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
      expect(error(wasm.grads, cpu.grads)).toBeLessThan(1e-5);
      // Every weight gets a gradient: nothing in the graph is cut off.
      expect(cpu.grads.filter((g) => g !== 0).length).toBeGreaterThan(cpu.grads.length * 0.5);
    },
  );

  it('draws dropout masks from the seed, the worker stream and the pass: repeatable, yet new every pass and for every worker, however large the seed', async () => {
    await useWasm();
    const spec: ModelSpec = { ...SMALL_NET, name: 'dropout', layers: [...SMALL_NET.layers.slice(0, -1), { kind: 'dropout', rate: 0.5 }, SMALL_NET.layers.at(-1)!] };
    const { x } = syntheticBatch(spec, ROWS, 2);
    const passes = (seed: number, stream: number) => {
      const model = buildModel(spec, seed, stream);
      const input = tf.tensor3d(x, [ROWS, spec.input.samples, spec.input.channels]);
      const out = [0, 1].map(() => {
        const { logits, batchStats } = model.train(input);
        const values = Array.from(logits.dataSync());
        tf.dispose([logits, ...batchStats]);
        return values;
      });
      input.dispose();
      model.dispose();
      return out;
    };
    for (const seed of [7, 123_456_789_012]) {
      const [first, second] = passes(seed, 0);
      expect(passes(seed, 0)).toEqual([first, second]);
      expect(second).not.toEqual(first);
      expect(passes(seed, 1)[0]).not.toEqual(first);
    }
  });
});

describe('hemisphereSymmetric', () => {
  const { samples, channels } = SMALL_CHAIN_NET.input;
  const mirror = [1, 0, 3, 2, 4];
  const logitsOf = (model: ReturnType<typeof buildModel>, x: Float32Array) => tf.tidy(() => model.apply(tf.tensor3d(x, [ROWS, samples, channels])).dataSync() as Float32Array);

  it('gives a window and its left/right mirror image the same logits, and tells other chains apart', async () => {
    await useWasm();
    const model = buildModel(SMALL_CHAIN_NET, 3);
    const { x } = syntheticBatch(SMALL_CHAIN_NET, ROWS, 4);
    const permuted = (map: number[]) => x.map((_, i) => x[i - (i % channels) + map[i % channels]]);
    const logits = logitsOf(model, x);
    const mirrored = logitsOf(model, permuted(mirror));
    expect(Math.max(...logits.map((v, i) => Math.abs(v - mirrored[i])))).toBeLessThan(1e-6);
    // Swapping a chain with one of another pair is not a mirror image: the logits move.
    const other = logitsOf(model, permuted([2, 1, 0, 3, 4]));
    expect(Math.max(...logits.map((v, i) => Math.abs(v - other[i])))).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('is the sums and absolute differences of mirror chains, then the unpaired chain', async () => {
    await useWasm();
    const layer = describeModel(SMALL_CHAIN_NET).layers.find((l) => l.layer.kind === 'hemisphereSymmetric')!;
    expect(layer.chains).toBe(5);
    // Three features for each of the five chains, chain-major, as mergeChannels leaves them.
    const features = [
      [1, 2, 3],
      [4, 6, 1],
      [0, -1, 2],
      [5, 5, 5],
      [7, 8, 9],
    ];
    const out = tf.tidy(() => hemisphereSymmetric(tf.tensor2d([features.flat()]), hemisphereMatrices(layer)).dataSync());
    expect(Array.from(out)).toEqual([5, 8, 4, 5, 4, 7, 3, 4, 2, 5, 6, 3, 7, 8, 9]);
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
