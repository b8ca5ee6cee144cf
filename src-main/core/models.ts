/**
 * Models described once, as plain data: the layers in order with their sizes. The tfjs builder
 * (training), the ONNX exporter and the UI (a model's summary) all read the same `ModelSpec`, and
 * `describeModel` is the one place shapes, paddings and weight shapes are worked out.
 *
 * Conventions: a model sees a window as `channels` signals of `samples` each and returns logits
 * (softmax gives the class probabilities). Sequence shapes are [samples, channels] — the tfjs
 * layout, batch first: [batch, samples, channels]; the ONNX graph takes PyTorch's
 * [batch, channels, samples]. Weights are stored as tfjs stores them: conv1d kernel
 * [kernelSize, in / groups, out], dense [in, out], LSTM kernel [in, 4·units] and recurrent kernel
 * [units, 4·units] with gates in the order input, forget, cell, output (PyTorch's and Keras' order).
 */

export type Activation = 'linear' | 'relu';

export type LayerSpec =
  /** Multiplies by a constant: models take µV and bring them near unit scale themselves. */
  | { kind: 'scale'; factor: number }
  | {
      kind: 'conv1d';
      filters: number;
      kernelSize: number;
      /** 1 when absent. */
      stride?: number;
      /** 'same' pads as TensorFlow does: ⌊total / 2⌋ before, the rest after. */
      padding: 'same' | 'valid';
      activation: Activation;
      /** Grouped convolution (PyTorch's `groups`): output channel o sees input group ⌊o / (out / groups)⌋. */
      groups?: number;
      /** How its weights start (see `WeightInit`); PyTorch's default when absent. */
      init?: WeightInit;
    }
  /** Non-overlapping windows (stride = size), the remainder dropped, as PyTorch's max_pool1d(size). */
  | { kind: 'maxPool1d'; size: number }
  /** Non-overlapping means, the remainder dropped: cheap decimation of already low-passed EEG. */
  | { kind: 'avgPool1d'; size: number }
  /** Mean over time: [samples, channels] → [channels]. */
  | { kind: 'globalAvgPool1d' }
  /** Normalises each channel (feature) with the batch's statistics while training, running ones after. */
  | { kind: 'batchNorm' }
  /** Zeroes a `rate` share of values while training (scaling the rest by 1 / (1 − rate)); identity after. */
  | { kind: 'dropout'; rate: number }
  /** [samples, channels] → [samples · channels], time-major (index t · channels + c). */
  | { kind: 'flatten' }
  /** One LSTM layer over time: the whole sequence [samples, units], or its last step [units]. */
  | { kind: 'lstm'; units: number; returnSequences: boolean }
  /**
   * Every channel becomes its own sequence [samples, 1] (the batch grows by `channels`), so the
   * layers up to `mergeChannels` are one feature extractor shared by all chains.
   */
  | { kind: 'splitChannels' }
  /**
   * Undoes `splitChannels`: per-chain features [samples, features] → [samples, chains · features],
   * or pooled ones [features] → [chains · features]; chain-major either way.
   */
  | { kind: 'mergeChannels' }
  /** log(x + epsilon), elementwise: pooled magnitudes become log-magnitudes, so ratios (left / right, pattern / background) become differences. */
  | { kind: 'log'; epsilon: number }
  /**
   * Pooled per-chain features made blind to which hemisphere is which: for every mirror pair of
   * chains (left, right) the sum and the absolute difference of their features; chains in no pair
   * (midline, EKG) pass through. [chains · features] → the same size: the sums, the differences,
   * then the unpaired chains, chain-major. Needs `mergeChannels` of pooled features before it.
   */
  | { kind: 'hemisphereSymmetric'; pairs: readonly (readonly [number, number])[] }
  | { kind: 'dense'; units: number; activation: Activation; init?: WeightInit };

/**
 * How a conv1d or dense layer's weights start. `pytorch` (the default): U(±1/√fanIn) for kernel
 * and bias, as PyTorch draws them — what the notebook's models were tuned with. `he`: He (Kaiming)
 * uniform for ReLU layers, U(±√(6/fanIn)) kernels and zero biases, so activations keep their size
 * through a stack of ReLU layers and no unit starts switched off.
 */
export type WeightInit = 'pytorch' | 'he';

export type LayerKind = LayerSpec['kind'];

export interface ModelSpec {
  /** Short id used on the command line and in run folders. */
  name: string;
  description: string;
  input: { channels: number; samples: number };
  layers: LayerSpec[];
}

export interface WeightSpec {
  /** `<layer>/<weight>`; layers are named `<kind><index>`, e.g. `conv1d0/kernel`. */
  name: string;
  shape: number[];
  /**
   * How it starts: PyTorch's defaults — U(±1/√fanIn) for kernels and biases (`uniform`), ones and
   * zeros for batch-norm scales, offsets and running statistics — or, for layers that ask for it,
   * He uniform U(±√(6/fanIn)) kernels (`he`) with zero biases (see `WeightInit`).
   */
  init: { kind: 'uniform'; fanIn: number } | { kind: 'he'; fanIn: number } | { kind: 'ones' } | { kind: 'zeros' };
  /** false for batch-norm running statistics: state the optimiser never touches. */
  trainable: boolean;
}

export interface LayerShape {
  name: string;
  layer: LayerSpec;
  /** Per example, batch excluded: [samples, channels] for sequences, [features] after pooling. */
  inputShape: number[];
  outputShape: number[];
  /** How many sequences each example is split into at this layer's output (1 unless between split and merge). */
  split: number;
  /** hemisphereSymmetric only: how many chains its features come from. */
  chains?: number;
  /** conv1d only: zeros added [before, after] in time. */
  pads?: [number, number];
  weights: WeightSpec[];
}

export interface ModelDescription {
  layers: LayerShape[];
  outputShape: number[];
  /** Every weight, trainable or not: the length of the flat weight vector. */
  parameters: number;
  trainableParameters: number;
}

const uniform = (name: string, shape: number[], fanIn: number): WeightSpec => ({ name, shape, init: { kind: 'uniform', fanIn }, trainable: true });

/** A conv1d or dense layer's kernel and bias, started as `init` asks. */
function kernelAndBias(name: string, kernel: number[], units: number, fanIn: number, init: WeightInit = 'pytorch'): WeightSpec[] {
  if (init === 'pytorch') return [uniform(`${name}/kernel`, kernel, fanIn), uniform(`${name}/bias`, [units], fanIn)];
  return [
    { name: `${name}/kernel`, shape: kernel, init: { kind: 'he', fanIn }, trainable: true },
    { name: `${name}/bias`, shape: [units], init: { kind: 'zeros' }, trainable: true },
  ];
}

/** The half-width of a weight's uniform starting range; 0 for constant starts. */
export function initBound(init: WeightSpec['init']): number {
  return init.kind === 'uniform' ? 1 / Math.sqrt(init.fanIn) : init.kind === 'he' ? Math.sqrt(6 / init.fanIn) : 0;
}

/** Shapes and weights of every layer; throws a readable error for a spec that cannot run. */
export function describeModel(spec: ModelSpec): ModelDescription {
  let shape = [spec.input.samples, spec.input.channels];
  let split = 1;
  let mergedChains = 0;
  const layers = spec.layers.map((layer, index): LayerShape => {
    const name = `${layer.kind}${index}`;
    const fail = (problem: string) => new Error(`model "${spec.name}", layer ${name}: ${problem} (input shape [${shape.join(', ')}])`);
    const sequence = () => {
      if (shape.length !== 2) throw fail(`${layer.kind} needs a sequence input`);
      return shape;
    };
    const inputShape = shape;
    let weights: WeightSpec[] = [];
    let pads: [number, number] | undefined;
    let chains: number | undefined;
    switch (layer.kind) {
      case 'scale':
        break;
      case 'conv1d': {
        const [samples, channels] = sequence();
        const stride = layer.stride ?? 1;
        const groups = layer.groups ?? 1;
        if (channels % groups || layer.filters % groups) throw fail(`${groups} groups do not divide ${channels} inputs and ${layer.filters} filters`);
        const length = layer.padding === 'same' ? Math.ceil(samples / stride) : Math.floor((samples - layer.kernelSize) / stride) + 1;
        if (length < 1) throw fail(`kernel ${layer.kernelSize} is longer than the input`);
        const total = layer.padding === 'same' ? Math.max((length - 1) * stride + layer.kernelSize - samples, 0) : 0;
        pads = [Math.floor(total / 2), total - Math.floor(total / 2)];
        shape = [length, layer.filters];
        const fanIn = layer.kernelSize * (channels / groups);
        weights = kernelAndBias(name, [layer.kernelSize, channels / groups, layer.filters], layer.filters, fanIn, layer.init);
        break;
      }
      case 'maxPool1d':
      case 'avgPool1d': {
        const [samples, channels] = sequence();
        const length = Math.floor(samples / layer.size);
        if (length < 1) throw fail(`pool size ${layer.size} is longer than the input`);
        shape = [length, channels];
        break;
      }
      case 'globalAvgPool1d':
        shape = [sequence()[1]];
        break;
      case 'batchNorm': {
        const features = shape[shape.length - 1];
        const state = (w: string, init: WeightSpec['init']): WeightSpec => ({ name: `${name}/${w}`, shape: [features], init, trainable: false });
        weights = [
          { name: `${name}/gamma`, shape: [features], init: { kind: 'ones' }, trainable: true },
          { name: `${name}/beta`, shape: [features], init: { kind: 'zeros' }, trainable: true },
          state('movingMean', { kind: 'zeros' }),
          state('movingVariance', { kind: 'ones' }),
        ];
        break;
      }
      case 'dropout':
        if (!(layer.rate >= 0 && layer.rate < 1)) throw fail(`dropout rate ${layer.rate} is not in [0, 1)`);
        break;
      case 'flatten': {
        const [samples, channels] = sequence();
        shape = [samples * channels];
        break;
      }
      case 'lstm': {
        const [samples, channels] = sequence();
        const u = layer.units;
        weights = [uniform(`${name}/kernel`, [channels, 4 * u], u), uniform(`${name}/recurrentKernel`, [u, 4 * u], u), uniform(`${name}/bias`, [4 * u], u)];
        shape = layer.returnSequences ? [samples, u] : [u];
        break;
      }
      case 'splitChannels': {
        if (split !== 1) throw fail('channels are already split');
        const [samples, channels] = sequence();
        split = channels;
        shape = [samples, 1];
        break;
      }
      case 'mergeChannels': {
        if (split === 1) throw fail('mergeChannels needs splitChannels before it');
        shape = shape.length === 2 ? [shape[0], split * shape[1]] : [split * shape[0]];
        mergedChains = split;
        split = 1;
        break;
      }
      case 'log':
        if (!(layer.epsilon > 0)) throw fail(`log needs a positive epsilon, not ${layer.epsilon}`);
        break;
      case 'hemisphereSymmetric': {
        if (shape.length !== 1 || !mergedChains) throw fail('hemisphereSymmetric needs pooled features of merged chains');
        if (!layer.pairs.length) throw fail('hemisphereSymmetric needs at least one pair of chains');
        chains = mergedChains;
        const used = layer.pairs.flat();
        if (used.some((c) => !Number.isInteger(c) || c < 0 || c >= mergedChains) || new Set(used).size !== used.length)
          throw fail(`pairs must name distinct chains 0…${mergedChains - 1}`);
        break;
      }
      case 'dense':
        if (shape.length !== 1) throw fail('dense needs a flat input (pool or flatten first)');
        weights = kernelAndBias(name, [shape[0], layer.units], layer.units, shape[0], layer.init);
        shape = [layer.units];
        break;
    }
    return { name, layer, inputShape, outputShape: shape, split, ...(pads ? { pads } : {}), ...(chains ? { chains } : {}), weights };
  });
  if (split !== 1) throw new Error(`model "${spec.name}": splitChannels without mergeChannels`);
  if (shape.length !== 1) throw new Error(`model "${spec.name}" ends in a sequence [${shape.join(', ')}]; pool or flatten it into logits`);
  const size = (w: WeightSpec) => w.shape.reduce((a, b) => a * b, 1);
  const all = layers.flatMap((l) => l.weights);
  return {
    layers,
    outputShape: shape,
    parameters: all.reduce((n, w) => n + size(w), 0),
    trainableParameters: all.filter((w) => w.trainable).reduce((n, w) => n + size(w), 0),
  };
}

/**
 * The 0/±1 rows over the chains that `hemisphereSymmetric` applies to each feature: one row per
 * pair for the sums, one per pair for the differences (taken absolute), one per unpaired chain.
 */
export function hemisphereRows({ layer, chains }: LayerShape): { sums: number[][]; differences: number[][]; kept: number[][] } {
  if (layer.kind !== 'hemisphereSymmetric' || !chains) throw new Error('hemisphereRows needs a described hemisphereSymmetric layer');
  const row = (entries: [number, number][]) => {
    const r = new Array<number>(chains).fill(0);
    for (const [c, v] of entries) r[c] = v;
    return r;
  };
  const paired = new Set(layer.pairs.flat());
  return {
    sums: layer.pairs.map(([l, r]) =>
      row([
        [l, 1],
        [r, 1],
      ]),
    ),
    differences: layer.pairs.map(([l, r]) =>
      row([
        [l, 1],
        [r, -1],
      ]),
    ),
    kept: Array.from({ length: chains }, (_, c) => c)
      .filter((c) => !paired.has(c))
      .map((c) => row([[c, 1]])),
  };
}

/**
 * The reference net of the speed comparisons (docs/ARCHITECTURE.md §6), timed in PyTorch by
 * `shared/bench/torch_reference.py`: 18 bipolar chains × 2000 samples, three k7 convolutions,
 * global average pooling, six logits.
 */
export const REFERENCE_NET: ModelSpec = {
  name: 'reference',
  description: 'Speed reference: conv1d 18→32→64→64 k7 with ReLU, max-pool 4 twice, global average pool, dense 6',
  input: { channels: 18, samples: 2000 },
  layers: [
    { kind: 'conv1d', filters: 32, kernelSize: 7, padding: 'same', activation: 'relu' },
    { kind: 'maxPool1d', size: 4 },
    { kind: 'conv1d', filters: 64, kernelSize: 7, padding: 'same', activation: 'relu' },
    { kind: 'maxPool1d', size: 4 },
    { kind: 'conv1d', filters: 64, kernelSize: 7, padding: 'same', activation: 'relu' },
    { kind: 'globalAvgPool1d' },
    { kind: 'dense', units: 6, activation: 'linear' },
  ],
};
