/** Small nets with the reference net's layer kinds, for tests that must also run on the slow `cpu` backend. */
import type { ModelSpec } from '../../core/models';

export const SMALL_NET: ModelSpec = {
  name: 'small',
  description: 'reference-net layer kinds at test size',
  input: { channels: 5, samples: 96 },
  layers: [
    { kind: 'conv1d', filters: 8, kernelSize: 7, padding: 'same', activation: 'relu' },
    { kind: 'maxPool1d', size: 4 },
    { kind: 'conv1d', filters: 12, kernelSize: 5, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool1d', size: 2 },
    { kind: 'conv1d', filters: 6, kernelSize: 3, stride: 2, padding: 'same', activation: 'linear' },
    { kind: 'globalAvgPool1d' },
    { kind: 'dense', units: 10, activation: 'relu' },
    { kind: 'dense', units: 6, activation: 'linear' },
  ],
};

/**
 * The default model's layer kinds at test size: one He-initialised CNN shared by 5 chains,
 * log-magnitudes, features blind to the hemispheres (chains 0 ↔ 1 and 2 ↔ 3 mirror each other; 4
 * is midline), batch-normalised.
 */
export const SMALL_CHAIN_NET: ModelSpec = {
  name: 'small-chains',
  description: 'chain-net layer kinds at test size',
  input: { channels: 5, samples: 96 },
  layers: [
    { kind: 'avgPool1d', size: 2 },
    { kind: 'splitChannels' },
    { kind: 'conv1d', filters: 4, kernelSize: 5, padding: 'same', activation: 'relu', init: 'he' },
    { kind: 'maxPool1d', size: 4 },
    { kind: 'conv1d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', init: 'he' },
    { kind: 'globalAvgPool1d' },
    { kind: 'log', epsilon: 0.05 },
    { kind: 'mergeChannels' },
    {
      kind: 'hemisphereSymmetric',
      pairs: [
        [0, 1],
        [2, 3],
      ],
    },
    { kind: 'batchNorm' },
    { kind: 'dense', units: 8, activation: 'relu' },
    { kind: 'dense', units: 6, activation: 'linear' },
  ],
};
