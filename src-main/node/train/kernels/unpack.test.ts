import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useWasm } from '../backend';
import { randn } from './against-cpu.test-support';

async function unstackOn(backend: 'cpu' | 'wasm', values: Float32Array, shape: number[], axis: number): Promise<Float32Array[]> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const x = tf.tensor(values, shape);
  const parts = tf.unstack(x, axis);
  const out = parts.map((p) => p.dataSync() as Float32Array);
  tf.dispose([x, ...parts]);
  return out;
}

describe('Unpack on wasm', () => {
  it('equals the cpu backend on every axis, and its gradient (a stack) flows back', async () => {
    const shape = [3, 5, 4, 2];
    const values = randn(3 * 5 * 4 * 2, 3);
    for (const axis of [0, 1, 2, 3, -1]) expect(await unstackOn('wasm', values, shape, axis)).toEqual(await unstackOn('cpu', values, shape, axis));
    await useWasm();
    const x = tf.tensor(values, shape);
    const [g] = tf.grads((t: tf.Tensor) => tf.addN(tf.unstack(t, 1).map((s, i) => s.sum().mul(i))))([x]);
    const expected = Array.from(values, (_, k) => Math.floor(k / 8) % 5);
    expect(Array.from(g.dataSync())).toEqual(expected);
    tf.dispose([x, g]);
  });
});
