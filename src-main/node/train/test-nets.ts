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
