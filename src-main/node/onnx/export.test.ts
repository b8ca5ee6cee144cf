import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONV_MODEL, MODELS } from '../../core/model-zoo';
import { type ModelInfo, PREPROCESS_PRESETS } from '../../core/model-info';
import { describeModel, type ModelSpec } from '../../core/models';
import { buildCache } from '../cache/build';
import { generateDataset } from '../generate/dataset';
import { Random } from '../../core/random';
import { useWasm } from '../train/backend';
import { buildModel, readWeights, writeWeights } from '../train/build-model';
import { fillBatch, loadBatch, loadTrainingSet, NO_AUGMENTATION } from '../train/data';
import { predict, stateRanges } from '../train/gradients';
import { SMALL_CHAIN_NET, SMALL_NET } from '../train/small-nets.test-support';
import { OnnxClassifier } from './classifier';
import { exportOnnxFile } from './export';
import { encodeModel, OPSET, outlineModel } from './onnx-model';
import { readFields } from './protobuf';

/**
 * The notebook's ConvModel with its every layer kind (grouped conv, batch norm, flatten, dropout,
 * the MLP) at a size a test can afford: 2,000 samples, a 64-unit MLP.
 */
const SMALL_CONV_MODEL: ModelSpec = {
  ...CONV_MODEL,
  name: 'convmodel-small',
  input: { channels: 19, samples: 2000 },
  layers: CONV_MODEL.layers.map((l) => (l.kind === 'dense' && l.units === 4096 ? { ...l, units: 64 } : l)),
};

let dir: string;
let eegWindows: { x: Float32Array; rows: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-onnx-'));
  await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 1, testRecordings: 1, seed: 4 });
  await buildCache(join(dir, 'data'), join(dir, 'cache'));
  const set = await loadTrainingSet(join(dir, 'cache'));
  const rows = Math.min(3, set.windows.length);
  const x = new Float32Array(rows * set.windowSamples * set.channels);
  await loadBatch(set, set.windows.slice(0, rows), NO_AUGMENTATION);
  fillBatch(set, set.windows.slice(0, rows), x, new Float32Array(rows * 6), NO_AUGMENTATION, null);
  eegWindows = { x, rows };
  await useWasm();
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function infoFor(spec: ModelSpec): ModelInfo {
  return {
    ...PREPROCESS_PRESETS.notebook,
    model: spec.name,
    channels: PREPROCESS_PRESETS.notebook.channels.slice(0, spec.input.channels).concat(Array.from({ length: Math.max(0, spec.input.channels - 19) }, (_, i) => `x${i}`)),
    windowSamples: spec.input.samples,
    dataFingerprint: 'abc123',
    validation: { valKL: 0.5, floorKL: 0.2 },
    appVersion: '0.1.0',
  };
}

/** tfjs [rows, samples, channels] → ONNX [rows, channels, samples]. */
function channelsFirst(x: Float32Array, rows: number, samples: number, channels: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let t = 0; t < samples; t++) for (let c = 0; c < channels; c++) out[(r * channels + c) * samples + t] = x[(r * samples + t) * channels + c];
  return out;
}

/** Where the graph field (7) of a ModelProto ends: the opset and metadata come after it. */
function endOfGraph(model: Uint8Array): number {
  const graph = readFields(model).find((f) => f.field === 7)!.bytes!;
  return graph.byteOffset - model.byteOffset + graph.length;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

async function parity(spec: ModelSpec, inputs: { x: Float32Array; rows: number }[]): Promise<number[]> {
  const tf = buildModel(spec, 9);
  const weights = new Float32Array(describeModel(spec).parameters);
  readWeights(tf, weights);
  // Running statistics away from their 0/1 start, so inference-mode batch norm is really checked.
  const rng = new Random(3);
  for (const [begin, end] of stateRanges(tf)) for (let i = begin; i < end; i++) weights[i] = rng.uniform(0.5, 1.5);
  // The logits' weights ×30: PyTorch's initial weights leave every class near 1/6, where even a
  // wrongly wired graph can come within 1e-4.
  const last = describeModel(spec).layers.at(-1)!;
  const kernel = last.weights[0].shape.reduce((a, b) => a * b, 1);
  const end = weights.length - last.weights[1].shape[0];
  for (let i = end - kernel; i < end; i++) weights[i] *= 30;
  writeWeights(tf, weights);
  const path = join(dir, `${spec.name}.onnx`);
  await exportOnnxFile(path, spec, weights, infoFor(spec));
  const onnx = await OnnxClassifier.open(path);
  try {
    const errors: number[] = [];
    for (const { x, rows } of inputs) {
      const expected = predict(tf, x, rows);
      const got = await onnx.run(channelsFirst(x, rows, spec.input.samples, spec.input.channels), rows);
      errors.push(maxDiff(got, expected));
      // Near-saturated outputs hide a wrong graph in probabilities (1 − 1e-20 ≈ 1): compare log-probabilities too.
      const logOf = (p: ArrayLike<number>) => Array.from(p, (v) => Math.log(Math.max(v, 1e-30)));
      expect(maxDiff(logOf(got), logOf(expected))).toBeLessThan(1e-2);
      // Decisive outputs, so that 1e-4 on probabilities is a demanding check.
      expect(Math.max(...Array.from(got, (p) => Math.abs(p - 1 / 6)))).toBeGreaterThan(0.1);
    }
    return errors;
  } finally {
    tf.dispose();
    await onnx.close();
  }
}

const randomInput = (spec: ModelSpec, rows: number, seed: number) => {
  const rng = new Random(seed);
  return { x: Float32Array.from({ length: rows * spec.input.samples * spec.input.channels }, () => 60 * rng.normal()), rows };
};

describe('ONNX export', () => {
  it.each([SMALL_NET, SMALL_CHAIN_NET, SMALL_CONV_MODEL, ...MODELS.filter((m) => m !== CONV_MODEL)].map((m) => [m.name, m] as const))(
    '%s: onnxruntime gives the probabilities tfjs gives (1e-4), on random input and on generated EEG',
    async (_, spec) => {
      const inputs: { x: Float32Array; rows: number }[] = [randomInput(spec, 4, 1)];
      if (spec.input.channels === 19 && spec.input.samples === 10_000) inputs.push(eegWindows);
      for (const error of await parity(spec, inputs)) expect(error).toBeLessThan(1e-4);
    },
    120_000,
  );

  it('writes opset 17, the named input and output, and the metadata that says how to feed the model', async () => {
    const path = join(dir, 'chainnet.onnx');
    const outline = outlineModel(new Uint8Array(await readFile(path)));
    expect(outline.opset).toBe(OPSET);
    expect(outline.producer).toBe('HMS Studio');
    expect(outline.inputs).toEqual([{ name: 'eeg', dims: ['batch', 19, 10_000] }]);
    expect(outline.outputs).toEqual([{ name: 'probabilities', dims: ['batch', 6] }]);
    const model = await OnnxClassifier.open(path);
    expect(model.info).toEqual(infoFor(MODELS[0]));
    await model.close();
  });
});

describe('models made elsewhere', () => {
  const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);

  it("classify with PyTorch's export of the notebook's ConvLSTM through a named preset, as PyTorch did", async () => {
    const expected = JSON.parse(await readFile(fixture('torch-convlstm.json'), 'utf8')) as { probabilities: number[][] };
    const model = await OnnxClassifier.open(fixture('torch-convlstm.onnx'), { preset: 'notebook' });
    expect(model.info.model).toBe('external');
    const x = Float32Array.from({ length: 2 * 19 * 10_000 }, (_, i) => 40 * Math.sin(i * 0.0123) + 15 * Math.cos(i * 0.00071));
    const got = await model.run(x, 2);
    expect(maxDiff(got, expected.probabilities.flat())).toBeLessThan(1e-4);
    await model.close();
  });

  it('that return logits and take a fixed batch (no dynamic axes) are fed row by row and softmaxed', async () => {
    const expected = JSON.parse(await readFile(fixture('torch-fixed-batch.json'), 'utf8')) as { probabilities: number[][] };
    const model = await OnnxClassifier.open(fixture('torch-fixed-batch.onnx'), { preset: 'notebook' });
    const x = Float32Array.from({ length: 2 * 19 * 10_000 }, (_, i) => 40 * Math.sin(i * 0.0123) + 15 * Math.cos(i * 0.00071));
    // Three rows (the second twice) through a graph that takes exactly one.
    const three = new Float32Array(3 * 19 * 10_000);
    three.set(x);
    three.set(x.subarray(19 * 10_000), 2 * 19 * 10_000);
    const got = await model.run(three, 3);
    const [p0, p1] = expected.probabilities;
    expect(maxDiff(got, [...p0, ...p1, ...p1])).toBeLessThan(1e-4);
    await model.close();
  });

  it('may leave the input length open (a named dimension), and need not ask for the CUDA provider to be installed', async () => {
    const bias = Float32Array.of(1, 2, 0, -1, 0.5, 3);
    const open = encodeModel(
      {
        name: 'mean-then-bias',
        nodes: [
          { op: 'ReduceMean', inputs: ['eeg'], outputs: ['m'], attributes: { axes: [2], keepdims: 0 } },
          { op: 'Gemm', inputs: ['m', 'W', 'B'], outputs: ['logits'] },
        ],
        initializers: [
          { name: 'W', dims: [19, 6], values: new Float32Array(19 * 6) },
          { name: 'B', dims: [6], values: bias },
        ],
        inputs: [{ name: 'eeg', dims: ['batch', 19, 'time'] }],
        outputs: [{ name: 'logits', dims: ['batch', 6] }],
      },
      {},
      { name: 'elsewhere', version: '1' },
    );
    await writeFile(join(dir, 'open-length.onnx'), open);
    const model = await OnnxClassifier.open(join(dir, 'open-length.onnx'), { preset: 'notebook', cuda: true });
    const got = await model.run(new Float32Array(2 * 19 * 10_000).fill(7), 2);
    const e = Array.from(bias, Math.exp);
    const softmax = e.map((v) => v / e.reduce((a, b) => a + b, 0));
    expect(maxDiff(got, [...softmax, ...softmax])).toBeLessThan(1e-6);
    await model.close();
  });

  it('need a preset, and must fit it: each refusal names the file and says why', async () => {
    await expect(OnnxClassifier.open(fixture('torch-convlstm.onnx'))).rejects.toThrow(
      /torch-convlstm\.onnx: this model was not made by HMS Studio .* name a preprocessing preset \(notebook\)/,
    );
    await expect(OnnxClassifier.open(fixture('torch-convlstm.onnx'), { preset: 'mine' })).rejects.toThrow('unknown preset "mine"');
    await expect(OnnxClassifier.open(fixture('torch-short-input.onnx'), { preset: 'notebook' })).rejects.toThrow(
      /torch-short-input\.onnx: the model's input is \[batch, 19, 2000\], but the "notebook" preset feeds \[batch, 19, 10000\] \(19 channels × 50 s at 200 Hz\)/,
    );
  });
});

describe('a damaged model file', () => {
  it('is refused with its name and the problem: empty, not ONNX, truncated, missing', async () => {
    const good = await readFile(join(dir, 'chainnet.onnx'));
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['empty.onnx', new Uint8Array(), /empty\.onnx: the model file is empty/],
      ['text.onnx', 'hello, I am not a model', /text\.onnx: not an ONNX model: it is a text file$/],
      ['binary.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /binary\.onnx: not an ONNX model: its contents are not in the ONNX format$/],
      ['cut.onnx', good.subarray(0, Math.floor(good.length / 2)), /cut\.onnx: the model file is incomplete: it ends in the middle of the model/],
      ['cut-early.onnx', good.subarray(0, 12), /cut-early\.onnx: the model file is incomplete/],
      ['cut-after-graph.onnx', good.subarray(0, endOfGraph(good)), /cut-after-graph\.onnx: the model file is incomplete or damaged: it names no ONNX opset$/],
    ];
    for (const [name, bytes, message] of cases) {
      await writeFile(join(dir, name), bytes);
      await expect(OnnxClassifier.open(join(dir, name))).rejects.toThrow(message);
    }
    // What onnxruntime itself refuses is said in its own words, without its C++ source location and signature.
    const unknownOp = encodeModel(
      {
        name: 'g',
        nodes: [{ op: 'NoSuchOp', inputs: ['eeg'], outputs: ['probabilities'] }],
        initializers: [],
        inputs: [{ name: 'eeg', dims: ['batch', 19, 10_000] }],
        outputs: [{ name: 'probabilities', dims: ['batch', 6] }],
      },
      {},
      { name: 'elsewhere', version: '1' },
    );
    await writeFile(join(dir, 'unknown-op.onnx'), unknownOp);
    const refusal = OnnxClassifier.open(join(dir, 'unknown-op.onnx'), { preset: 'notebook' });
    await expect(refusal).rejects.toThrow(/unknown-op\.onnx: onnxruntime cannot load the model \(.*NoSuchOp/);
    await expect(refusal).rejects.not.toThrow(/onnxruntime::|\.cc:\d/);
    await expect(OnnxClassifier.open(join(dir, 'missing.onnx'))).rejects.toThrow(/missing\.onnx: cannot read the model: no such file/);
  });
});
