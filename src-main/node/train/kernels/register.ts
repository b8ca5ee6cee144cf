/**
 * The one place our kernels and gradients are registered. The gradients serve every backend; the
 * kernels are for wasm, registered after it is initialised, when the stock kernels they replace
 * have run their setup and can still serve the cases ours hand back.
 */
import { getGradient, getKernel, type KernelConfig, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { fusedConv2dConfig } from './fused-conv2d';
import { fusedConv2dGradConfig } from './fused-conv2d-grad';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { reluBiasGradConfig } from './relu-bias-grad';
import { sumConfig } from './sum';
import { unpackConfig } from './unpack';
import { keepStock } from './wasm-call';

const TRAINING_KERNELS: readonly KernelConfig[] = [
  fusedConv2dConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  reluBiasGradConfig,
  unpackConfig,
];

export function registerTrainingKernels(): void {
  for (const config of TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current) {
      keepStock(current);
      unregisterKernel(config.kernelName, 'wasm');
    }
    registerKernel(config);
  }
}

export function registerTrainingGradients(): void {
  if (getGradient(fusedConv2dGradConfig.kernelName) !== fusedConv2dGradConfig) registerGradient(fusedConv2dGradConfig);
}
