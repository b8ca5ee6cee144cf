import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useWasm } from '../backend';
import { randn } from './against-cpu.test-support';
import { registerTrainingGradients } from './register';

type Case = {
  what: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'relu' | 'linear';
};
/** On wasm the first two run on our gemm and one-pass ReLU/bias gradient, the third on stock kernels. */
const CASES: Case[] = [
  { what: 'ReLU, k7 same', x: [2, 1, 30, 4], filter: [1, 7, 4, 8], strides: [1, 1], pad: 'same', activation: 'relu' },
  { what: 'linear, k4 s4 valid', x: [2, 1, 50, 3], filter: [1, 4, 3, 8], strides: [1, 4], pad: 'valid', activation: 'linear' },
  { what: 'ReLU, 5 out channels, k3 s2 same', x: [2, 1, 31, 3], filter: [1, 3, 3, 5], strides: [1, 2], pad: 'same', activation: 'relu' },
];

const tensors = (c: Case) => ({
  x: tf.tensor4d(
    randn(
      c.x.reduce((a, b) => a * b, 1),
      1,
    ),
    c.x,
  ),
  filter: tf.tensor4d(
    randn(
      c.filter.reduce((a, b) => a * b, 1),
      2,
    ),
    c.filter,
  ),
  bias: tf.tensor1d(randn(c.filter[3], 3)),
});

/** A loss that weighs every output differently, so each gradient entry is checked. */
const weigh = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.linspace(-1, 1, y.size).reshape(y.shape)));

async function fusedGrads(c: Case, backend: 'cpu' | 'wasm'): Promise<Float32Array[]> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  registerTrainingGradients();
  const { x, filter, bias } = tensors(c);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: c.activation };
  const grads = tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
    weigh(tf.engine().runKernel('FusedConv2D', { x: a, filter: f, bias: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor),
  )([x, filter, bias]);
  return grads.map((g) => g.dataSync() as Float32Array);
}

async function plainGrads(c: Case): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const { x, filter, bias } = tensors(c);
  const grads = tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => {
    const y = tf.add(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad), b);
    return weigh(c.activation === 'relu' ? tf.relu(y) : y);
  })([x, filter, bias]);
  return grads.map((g) => g.dataSync() as Float32Array);
}

describe('FusedConv2D gradient', () => {
  for (const c of CASES) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`equals tfjs's own gradients of conv2d + bias + activation on cpu, computed on ${backend}: ${c.what}`, async () => {
        const want = await plainGrads(c);
        const got = await fusedGrads(c, backend);
        for (let i = 0; i < 3; i++) {
          const scale = Math.max(1, ...Array.from(want[i], Math.abs));
          expect(Math.max(...Array.from(got[i], (v, k) => Math.abs(v - want[i][k]))) / scale, ['x', 'filter', 'bias'][i]).toBeLessThan(1e-5);
        }
      });
    }
  }

  it('computes the input gradient only when it is asked for', async () => {
    await tf.setBackend('cpu');
    registerTrainingGradients();
    const { x, filter, bias } = tensors(CASES[0]);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' };
    const loss = (f: tf.Tensor, b: tf.Tensor) => weigh(tf.engine().runKernel('FusedConv2D', { x, filter: f, bias: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor);
    const profile = await tf.profile(() => tf.grads(loss)([filter, bias]));
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain('Conv2DBackpropFilter');
    expect(kernels).not.toContain('Conv2DBackpropInput');
  });
});
