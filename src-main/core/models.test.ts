import { describe, expect, it } from 'vitest';
import { describeModel, initBound, type ModelSpec, REFERENCE_NET } from './models';

describe('describeModel', () => {
  it('gives the reference net the shapes and parameter count PyTorch has for it', () => {
    const d = describeModel(REFERENCE_NET);
    expect(d.layers.map((l) => l.outputShape)).toEqual([[2000, 32], [500, 32], [500, 64], [125, 64], [125, 64], [64], [6]]);
    expect(d.layers[0].weights).toEqual([
      { name: 'conv1d0/kernel', shape: [7, 18, 32], init: { kind: 'uniform', fanIn: 126 }, trainable: true },
      { name: 'conv1d0/bias', shape: [32], init: { kind: 'uniform', fanIn: 126 }, trainable: true },
    ]);
    expect(d.layers[6].weights.map((w) => w.shape)).toEqual([[64, 6], [6]]);
    // Σ (k·in + 1)·out: 18·7·32+32 + 32·7·64+64 + 64·7·64+64 + 64·6+6, as torch's sum(p.numel()).
    expect(d.parameters).toBe(4064 + 14400 + 28736 + 390);
    expect(d.outputShape).toEqual([6]);
  });

  it('starts a layer that asks for He initialisation with U(±√(6/fanIn)) kernels and zero biases; others as PyTorch does', () => {
    const spec: ModelSpec = {
      name: 'he',
      description: '',
      input: { channels: 4, samples: 50 },
      layers: [
        { kind: 'conv1d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', init: 'he' },
        { kind: 'globalAvgPool1d' },
        { kind: 'dense', units: 5, activation: 'relu', init: 'he' },
        { kind: 'dense', units: 6, activation: 'linear' },
      ],
    };
    const [conv, , hidden, out] = describeModel(spec).layers.map((l) => l.weights.map((w) => w.init));
    expect(conv).toEqual([{ kind: 'he', fanIn: 12 }, { kind: 'zeros' }]);
    expect(hidden).toEqual([{ kind: 'he', fanIn: 8 }, { kind: 'zeros' }]);
    expect(out).toEqual([
      { kind: 'uniform', fanIn: 5 },
      { kind: 'uniform', fanIn: 5 },
    ]);
    expect(initBound(conv[0])).toBeCloseTo(Math.sqrt(6 / 12));
    expect(initBound(out[0])).toBeCloseTo(1 / Math.sqrt(5));
    expect(initBound(conv[1])).toBe(0);
  });

  it('follows tfjs for strides and valid padding, and drops a pool remainder', () => {
    const spec: ModelSpec = {
      name: 't',
      description: '',
      input: { channels: 4, samples: 50 },
      layers: [
        { kind: 'conv1d', filters: 8, kernelSize: 4, stride: 4, padding: 'valid', activation: 'linear' },
        { kind: 'conv1d', filters: 8, kernelSize: 3, stride: 2, padding: 'same', activation: 'relu' },
        { kind: 'maxPool1d', size: 3 },
        { kind: 'globalAvgPool1d' },
      ],
    };
    const layers = describeModel(spec).layers;
    expect(layers.map((l) => l.outputShape)).toEqual([[12, 8], [6, 8], [2, 8], [8]]);
    // TensorFlow's 'same': (6 − 1)·2 + 3 − 12 = 1 zero in all, after the samples.
    expect(layers[1].pads).toEqual([0, 1]);
  });

  it('names the model, the layer and the problem when a spec cannot run', () => {
    const base = { name: 'broken', description: '', input: { channels: 2, samples: 10 } };
    expect(() => describeModel({ ...base, layers: [{ kind: 'dense', units: 3, activation: 'linear' }] })).toThrow(
      'model "broken", layer dense0: dense needs a flat input (pool or flatten first) (input shape [10, 2])',
    );
    expect(() => describeModel({ ...base, layers: [{ kind: 'conv1d', filters: 1, kernelSize: 11, padding: 'valid', activation: 'relu' }] })).toThrow(
      'kernel 11 is longer than the input',
    );
    expect(() => describeModel({ ...base, layers: [{ kind: 'globalAvgPool1d' }, { kind: 'maxPool1d', size: 2 }] })).toThrow('layer maxPool1d1: maxPool1d needs a sequence input');
  });
});
