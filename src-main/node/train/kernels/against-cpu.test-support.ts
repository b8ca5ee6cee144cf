/**
 * For the kernel tests: runs one kernel on the `cpu` backend (the reference: plain loops) and on
 * `wasm` (ours) from the same random inputs, and measures how far apart the results are.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../../core/random';
import { useWasm } from '../backend';

export interface KernelCase {
  inputs: Record<string, { shape: number[]; values?: Float32Array }>;
  attrs: object;
}

/** Standard-normal values from `seed`, so every run checks the same numbers. */
export function randn(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

async function runOn(backend: 'cpu' | 'wasm', name: string, c: KernelCase, values: Record<string, Float32Array>): Promise<Float32Array> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tf.tensor(values[k], v.shape)]));
  const out = tf.engine().runKernel(name, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(inputs)]);
  return data;
}

/** max |wasm − cpu| / max(1, max |cpu|), and the output length of both. */
export async function kernelError(name: string, c: KernelCase, seed = 1): Promise<{ error: number; length: number }> {
  const values = Object.fromEntries(
    Object.entries(c.inputs).map(([k, v], i) => [
      k,
      v.values ??
        randn(
          v.shape.reduce((a, b) => a * b, 1),
          seed * 31 + i,
        ),
    ]),
  );
  const reference = await runOn('cpu', name, c, values);
  const ours = await runOn('wasm', name, c, values);
  if (ours.length !== reference.length) return { error: Infinity, length: ours.length };
  let scale = 1;
  let diff = 0;
  for (let i = 0; i < reference.length; i++) {
    scale = Math.max(scale, Math.abs(reference[i]));
    diff = Math.max(diff, Math.abs(ours[i] - reference[i]));
  }
  return { error: diff / scale, length: ours.length };
}
