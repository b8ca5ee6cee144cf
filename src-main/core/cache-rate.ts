/**
 * The rate a processed cache stores its windows at, and which models it fits. At 200 Hz a cache
 * holds the preprocessed recording; at 50 Hz it holds the mean of each 4 consecutive samples of
 * it, which is exactly what the default model's first pool computes (after a constant scale, which
 * commutes with a mean): a quarter of the disk and of the memory per window, and the same model.
 * Labelled windows keep their positions at the labels' 200 Hz; a reader divides by the decimation.
 */
import { HMS_SAMPLE_RATE_HZ, WINDOW_SEC } from './eeg';
import type { ModelSpec } from './models';
import { montageChannelNames, MONTAGES } from './montage';

/** 200: the recording as preprocessed; 50: chainnet's input rate, after its avgPool1d of 4. */
export const CACHE_RATES_HZ: readonly number[] = [HMS_SAMPLE_RATE_HZ, 50];

/** Samples at 200 Hz per stored sample. */
export function decimationOf(rateHz: number): number {
  if (!CACHE_RATES_HZ.includes(rateHz)) throw new Error(`a cache is stored at ${CACHE_RATES_HZ.join(' or ')} Hz, not ${rateHz}`);
  return HMS_SAMPLE_RATE_HZ / rateHz;
}

/**
 * Where a labelled window starting at sample `startSample` of 200 Hz starts among samples stored at
 * `rateHz`: rounded down, so that it ends within the stored recording wherever it did at 200 Hz.
 */
export function storedStart(startSample: number, rateHz: number): number {
  return Math.floor(startSample / decimationOf(rateHz));
}

/** Samples of one 50-s window at `rateHz`. */
export function windowSamplesAt(rateHz: number): number {
  return WINDOW_SEC * rateHz;
}

/**
 * The mean of each `factor` consecutive samples, the remainder dropped, as avgPool1d does; into
 * `out` when given (the caller's reused memory).
 */
export function meanDecimate(x: Float32Array, factor: number, out: Float32Array = new Float32Array(Math.floor(x.length / factor))): Float32Array {
  const n = Math.floor(x.length / factor);
  for (let i = 0, j = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < factor; k++, j++) sum += x[j];
    out[i] = sum / factor;
  }
  return out;
}

/**
 * The model as trained on windows stored at `rateHz`: the model itself at 200 Hz; below, its
 * leading avgPool1d (only element-wise scales before it) of size 200 / rateHz made size 1, which
 * passes its input through, and its input shortened to match. Size 1 rather than removed: layers,
 * and so weights, are named by their index, so the weights trained are the model's own, and its
 * export (the whole model, pool included) takes 200-Hz windows. Null when the model does not
 * begin by pooling down to that rate.
 */
export function specAtRate(spec: ModelSpec, rateHz: number): ModelSpec | null {
  const factor = HMS_SAMPLE_RATE_HZ / rateHz;
  if (factor === 1) return spec;
  const pool = spec.layers.findIndex((l) => l.kind !== 'scale');
  const layer = spec.layers[pool];
  if (layer?.kind !== 'avgPool1d' || layer.size !== factor || spec.input.samples % factor) return null;
  return {
    ...spec,
    input: { ...spec.input, samples: spec.input.samples / factor },
    layers: spec.layers.map((l, i) => (i === pool ? { kind: 'avgPool1d', size: 1 } : l)),
  };
}

/** The cache rates a model can be trained from, highest first. */
export function modelRatesHz(spec: ModelSpec): number[] {
  return CACHE_RATES_HZ.filter((rate) => specAtRate(spec, rate) !== null);
}

/** What a cache's manifest says about the windows it holds. */
export interface CacheShape {
  sampleRateHz: number;
  windowSamples: number;
  channels: readonly string[];
}

/**
 * Why a cache does not fit a model, as one sentence with what to do, or null; prefixed with the
 * cache's folder by the caller.
 */
export function cacheFitProblem(spec: ModelSpec, cache: CacheShape): string | null {
  const rates = modelRatesHz(spec);
  if (!rates.includes(cache.sampleRateHz)) {
    return `this cache holds ${cache.sampleRateHz}-Hz windows; model ${spec.name} reads ${rates.join(' or ')} Hz — rebuild the cache with --rate ${rates[0]}`;
  }
  if (cache.channels.length !== spec.input.channels) {
    const montage = MONTAGES.find((m) => montageChannelNames(m).length === spec.input.channels);
    const rebuild = montage ? ` — rebuild the cache with --montage ${montage}` : '';
    return `this cache holds ${cache.channels.length} channels; model ${spec.name} reads ${spec.input.channels}${rebuild}`;
  }
  const trained = specAtRate(spec, cache.sampleRateHz)!;
  if (cache.windowSamples !== trained.input.samples) {
    return `this cache holds windows of ${cache.windowSamples} samples; model ${spec.name} reads ${trained.input.samples} at ${cache.sampleRateHz} Hz`;
  }
  return null;
}
