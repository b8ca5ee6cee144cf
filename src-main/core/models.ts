/**
 * Models described once, as plain data: the layers in order with their sizes. The tfjs builder
 * (training), the ONNX exporter and the UI (a model's summary) all read the same `ModelSpec`, and
 * `describeModel` is the one place shapes and weight shapes are worked out.
 *
 * Conventions: a model sees a window as `channels` signals of `samples` each and returns logits
 * (softmax gives the class probabilities). Sequence shapes are [samples, channels] — the tfjs
 * layout, batch first: [batch, samples, channels]; the ONNX graph transposes to PyTorch's
 * [batch, channels, samples]. Kernels are stored as tfjs stores them: conv1d [kernelSize, in, out],
 * dense [in, out].
 */

export type Activation = 'linear' | 'relu';

export type LayerSpec =
  | {
      kind: 'conv1d';
      filters: number;
      kernelSize: number;
      /** 1 when absent. */
      stride?: number;
      /** 'same' pads (k − 1) / 2 before and the rest after, as tfjs and TensorFlow do. */
      padding: 'same' | 'valid';
      activation: Activation;
    }
  /** Non-overlapping windows (stride = size), the remainder dropped, as PyTorch's max_pool1d(size). */
  | { kind: 'maxPool1d'; size: number }
  /** Mean over time: [samples, channels] → [channels]. */
  | { kind: 'globalAvgPool1d' }
  | { kind: 'dense'; units: number; activation: Activation };

export type LayerKind = LayerSpec['kind'];

export interface ModelSpec {
  /** Short id used on the command line and in run folders. */
  name: string;
  description: string;
  input: { channels: number; samples: number };
  layers: LayerSpec[];
}

export interface WeightSpec {
  /** `<layer>/kernel` or `<layer>/bias`; layers are named `<kind><index>`, e.g. `conv1d0`. */
  name: string;
  shape: number[];
}

export interface LayerShape {
  name: string;
  layer: LayerSpec;
  /** Per example, batch excluded: [samples, channels] for sequences, [features] after pooling. */
  inputShape: number[];
  outputShape: number[];
  weights: WeightSpec[];
}

export interface ModelDescription {
  layers: LayerShape[];
  outputShape: number[];
  parameters: number;
}

/** Shapes and weights of every layer; throws a readable error for a spec that cannot run. */
export function describeModel(spec: ModelSpec): ModelDescription {
  let shape = [spec.input.samples, spec.input.channels];
  const layers = spec.layers.map((layer, index) => {
    const name = `${layer.kind}${index}`;
    const fail = (problem: string) => new Error(`model "${spec.name}", layer ${name}: ${problem} (input shape [${shape.join(', ')}])`);
    const inputShape = shape;
    let weights: WeightSpec[] = [];
    switch (layer.kind) {
      case 'conv1d': {
        if (shape.length !== 2) throw fail('conv1d needs a sequence input');
        const [samples, channels] = shape;
        const stride = layer.stride ?? 1;
        const length = layer.padding === 'same' ? Math.ceil(samples / stride) : Math.floor((samples - layer.kernelSize) / stride) + 1;
        if (length < 1) throw fail(`kernel ${layer.kernelSize} is longer than the input`);
        shape = [length, layer.filters];
        weights = [
          { name: `${name}/kernel`, shape: [layer.kernelSize, channels, layer.filters] },
          { name: `${name}/bias`, shape: [layer.filters] },
        ];
        break;
      }
      case 'maxPool1d': {
        if (shape.length !== 2) throw fail('maxPool1d needs a sequence input');
        const length = Math.floor(shape[0] / layer.size);
        if (length < 1) throw fail(`pool size ${layer.size} is longer than the input`);
        shape = [length, shape[1]];
        break;
      }
      case 'globalAvgPool1d':
        if (shape.length !== 2) throw fail('globalAvgPool1d needs a sequence input');
        shape = [shape[1]];
        break;
      case 'dense':
        if (shape.length !== 1) throw fail('dense needs a flat input (pool or flatten first)');
        weights = [
          { name: `${name}/kernel`, shape: [shape[0], layer.units] },
          { name: `${name}/bias`, shape: [layer.units] },
        ];
        shape = [layer.units];
        break;
    }
    return { name, layer, inputShape, outputShape: shape, weights };
  });
  const parameters = layers.flatMap((l) => l.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  return { layers, outputShape: shape, parameters };
}

/**
 * The reference net of the speed comparisons (DESIGN §6), timed in PyTorch by
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
