/**
 * Picks the backend training runs on: TensorFlow's native binding when one of the optional
 * packages `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` is installed and loads (it uses
 * every core, or the GPU, by itself), else the wasm backend with our gradient kernels. Never the
 * pure-JS `cpu` backend: it needs ~100 s a step on the reference net.
 */
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../../core/training';
import { registerTrainingKernels } from './kernels/register';
import { hasRelaxedSimd } from './kernels/wasm-asm';

const NATIVE: { pkg: string; device: BackendInfo['device'] }[] = [
  { pkg: '@tensorflow/tfjs-node-gpu', device: 'gpu' },
  { pkg: '@tensorflow/tfjs-node', device: 'cpu' },
];

/** Sets the native binding's backend when it loads; null otherwise, without a word (it is optional). */
export async function useNative(): Promise<BackendInfo | null> {
  for (const { pkg, device } of NATIVE) {
    try {
      // A variable specifier: the packages are optional, so neither tsc nor a bundler may resolve them.
      await import(/* @vite-ignore */ pkg);
    } catch {
      continue;
    }
    // A binding built against another copy of tfjs-core registers with that copy's engine, not ours.
    if (tf.findBackendFactory('tensorflow') && (await tf.setBackend('tensorflow'))) {
      const { availableParallelism } = await import('node:os');
      return { name: 'tensorflow', device, threads: availableParallelism() };
    }
  }
  return null;
}

/** The wasm backend, initialised, with our training kernels in place. */
export async function useWasm(): Promise<BackendInfo> {
  // Relaxed SIMD makes each multiply-add of our gemm one FMA: 12–25% faster steps. V8 ships it from
  // 11.4 (Node 22, Electron); Node 20's V8 11.3 has it complete behind this flag, which takes
  // effect for modules compiled afterwards, worker threads included.
  if (!hasRelaxedSimd()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend of tfjs failed to start, so there is no backend to train on');
  registerTrainingKernels();
  return { name: 'wasm', device: 'cpu', threads: 1 };
}
