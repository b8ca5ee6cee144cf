/**
 * onnxruntime-node's GPU execution providers: which this install can try (its
 * `listSupportedBackends()`, and for CUDA whether its install script fetched the provider's files),
 * and an onnxruntime error cut to the one line a user can act on.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

export type GpuProvider = 'cuda' | 'dml' | 'coreml' | 'webgpu';
/** The order `auto` tries them in. */
export const GPU_PROVIDERS: readonly GpuProvider[] = ['cuda', 'dml', 'coreml', 'webgpu'];
export const PROVIDER_NAMES: Record<GpuProvider, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU' };

/** Why `provider` cannot be tried here without starting it, or null when it can. */
export function unavailableReason(provider: GpuProvider): string | null {
  const name = PROVIDER_NAMES[provider];
  if (!ort.listSupportedBackends().some((b) => b.name === provider)) return `onnxruntime-node has no ${name} provider on ${process.platform}`;
  if (provider === 'cuda' && cudaFilesMissing()) return "onnxruntime-node's CUDA provider is not installed (its install script fetches it, and this install ran no scripts)";
  return null;
}

/**
 * On Linux onnxruntime-node's install script fetches the CUDA provider next to its binding (opt-in
 * here, docs/ARCHITECTURE.md §6). When it is plainly not there, do not try it: the failed attempt
 * prints an onnxruntime error line of its own.
 */
export function cudaFilesMissing(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return !existsSync(join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/**
 * The first line of an onnxruntime error without its `[ErrorCode:…]` prefix, source location,
 * C++ signature and failed check: `…/webgpu_context.cc:136 onnxruntime::…<lambda()> status ==
 * Success was false. Failed to get a WebGPU adapter` → `Failed to get a WebGPU adapter`.
 */
export function providerError(err: unknown): string {
  const line = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .replace(/^\[.*?\]\s*/, '');
  const check = line.lastIndexOf(' was false. ');
  return (check >= 0 ? line.slice(check + ' was false. '.length) : line.replace(/^\S+\.(cc|cpp|h):\d+\s+/, '')).trim();
}
