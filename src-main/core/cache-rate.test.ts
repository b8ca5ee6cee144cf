import { describe, expect, it } from 'vitest';
import { cacheFitProblem, meanDecimate, modelRatesHz, specAtRate, storedStart } from './cache-rate';
import { CHAIN_NET, CONV_LSTM, CONV_MODEL } from './model-zoo';
import { describeModel } from './models';
import { montageChannelNames } from './montage';

const bipolar = montageChannelNames('bipolar');

describe('cache rates', () => {
  it('decimate by the mean of each 4 samples, the remainder dropped, as avgPool1d does', () => {
    expect(Array.from(meanDecimate(Float32Array.of(1, 2, 3, 4, 10, 10, 10, 14, 99), 4))).toEqual([2.5, 11]);
    expect([storedStart(4000, 50), storedStart(4003, 50), storedStart(4000, 200)]).toEqual([1000, 1000, 4000]);
  });

  it('train chainnet at 50 Hz as the same model: its first pool passes through, every weight keeps its name and shape', () => {
    const at50 = specAtRate(CHAIN_NET, 50)!;
    expect(at50.input).toEqual({ channels: 19, samples: 2500 });
    expect(at50.layers[1]).toEqual({ kind: 'avgPool1d', size: 1 });
    const weights = (spec: typeof CHAIN_NET) => describeModel(spec).layers.flatMap((l) => l.weights.map((w) => `${w.name} ${w.shape.join('×')}`));
    expect(weights(at50)).toEqual(weights(CHAIN_NET));
    expect(describeModel(at50).layers[2].inputShape).toEqual(describeModel(CHAIN_NET).layers[2].inputShape);
    expect(specAtRate(CHAIN_NET, 200)).toBe(CHAIN_NET);
    expect([modelRatesHz(CHAIN_NET), modelRatesHz(CONV_MODEL), modelRatesHz(CONV_LSTM)]).toEqual([[200, 50], [200], [200]]);
  });

  it('say what does not fit a model, and how to rebuild the cache', () => {
    expect(cacheFitProblem(CHAIN_NET, { sampleRateHz: 50, windowSamples: 2500, channels: bipolar })).toBeNull();
    expect(cacheFitProblem(CONV_MODEL, { sampleRateHz: 200, windowSamples: 10_000, channels: bipolar })).toBeNull();
    expect(cacheFitProblem(CONV_MODEL, { sampleRateHz: 50, windowSamples: 2500, channels: bipolar })).toBe(
      'this cache holds 50-Hz windows; model convmodel reads 200 Hz — rebuild the cache with --rate 200',
    );
    expect(cacheFitProblem(CHAIN_NET, { sampleRateHz: 200, windowSamples: 10_000, channels: montageChannelNames('referential') })).toBe(
      'this cache holds 20 channels; model chainnet reads 19 — rebuild the cache with --montage bipolar',
    );
    expect(cacheFitProblem(CHAIN_NET, { sampleRateHz: 50, windowSamples: 10_000, channels: bipolar })).toBe(
      'this cache holds windows of 10000 samples; model chainnet reads 2500 at 50 Hz',
    );
  });
});
