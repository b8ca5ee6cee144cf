/**
 * A model file ready to classify: an onnxruntime session (CPU; the CUDA provider first when asked
 * and its files are installed, falling back without a word), created once and reused, fed in
 * batches. The file says how to feed it (`ModelInfo` in its metadata); a model made elsewhere
 * needs a preprocessing preset instead. Whatever is wrong with a file is said in one sentence
 * naming it, never as an onnxruntime dump.
 */
import * as ort from 'onnxruntime-node';
import { CLASSES } from '../../core/eeg';
import { type ModelInfo, modelInfoFromMetadata, PREPROCESS_PRESETS } from '../../core/model-info';
import { readModelBytes } from './export';
import { outlineModel } from './onnx-model';

export interface ClassifierOptions {
  /** How a model made elsewhere was fed (a key of PREPROCESS_PRESETS); ignored for our own models. */
  preset?: string;
  /** Try the CUDA execution provider first. */
  cuda?: boolean;
}

const MAX_BATCH = 64;

export class OnnxClassifier {
  private constructor(
    readonly path: string,
    readonly info: ModelInfo,
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    /** The graph returns logits (models made elsewhere often do): softmax them here. */
    private readonly softmax: 'auto' | 'never',
  ) {}

  static async open(path: string, options: ClassifierOptions = {}): Promise<OnnxClassifier> {
    const bytes = await readModelBytes(path);
    if (bytes.length === 0) throw new Error(`${path}: the model file is empty`);
    let outline: ReturnType<typeof outlineModel>;
    try {
      outline = outlineModel(bytes);
    } catch (err) {
      throw new Error(`${path}: not an ONNX model (${(err as Error).message})`);
    }
    const own = modelInfoFromMetadata(outline.metadata, path);
    let info: ModelInfo;
    if (own) info = own;
    else {
      const presets = Object.keys(PREPROCESS_PRESETS);
      if (!options.preset) throw new Error(`${path}: this model was not made by HMS Studio and does not say how to feed it; name a preprocessing preset (${presets.join(', ')})`);
      const preset = PREPROCESS_PRESETS[options.preset];
      if (!preset) throw new Error(`unknown preset "${options.preset}"; choose one of ${presets.join(', ')}`);
      info = { ...preset, model: 'external', dataFingerprint: '', validation: {}, appVersion: outline.producer };
    }
    const input = outline.inputs[0];
    if (outline.inputs.length !== 1 || !input) throw new Error(`${path}: the model takes ${outline.inputs.length} inputs; a classifier here takes one, [batch, channels, samples]`);
    const [, channels, samples] = input.dims;
    const fits = input.dims.length === 3 && channels === info.channels.length && samples === info.windowSamples;
    if (!fits) {
      throw new Error(
        `${path}: the model's input is [${input.dims.join(', ')}], but ${own ? 'its metadata' : `the "${options.preset}" preset`} feeds [batch, ${info.channels.length}, ${info.windowSamples}] ` +
          `(${info.channels.length} channels × ${info.windowSamples / info.sampleRateHz} s at ${info.sampleRateHz} Hz)`,
      );
    }
    const output = outline.outputs[0];
    if (!output || (typeof output.dims[1] === 'number' && output.dims[1] !== CLASSES.length)) {
      throw new Error(`${path}: the model's output is [${output?.dims.join(', ') ?? ''}]; a classifier here returns ${CLASSES.length} classes`);
    }
    const session = await createSession(bytes, path, options.cuda ?? false);
    return new OnnxClassifier(path, info, session, input.name, output.name, own ? 'never' : 'auto');
  }

  /** x: [rows, channels, samples] µV, preprocessed as `info` says; returns [rows, classes] probabilities. */
  async run(x: Float32Array, rows: number): Promise<Float32Array> {
    const perRow = this.info.channels.length * this.info.windowSamples;
    if (x.length !== rows * perRow) throw new Error(`expected ${rows} × ${perRow} values, got ${x.length}`);
    const out = new Float32Array(rows * CLASSES.length);
    for (let begin = 0; begin < rows; begin += MAX_BATCH) {
      const n = Math.min(MAX_BATCH, rows - begin);
      const feed = new ort.Tensor('float32', x.subarray(begin * perRow, (begin + n) * perRow), [n, this.info.channels.length, this.info.windowSamples]);
      const result = await this.session.run({ [this.inputName]: feed });
      const y = result[this.outputName].data as Float32Array;
      out.set(y, begin * CLASSES.length);
      for (const t of Object.values(result)) t.dispose();
    }
    if (this.softmax === 'auto') softmaxRowsUnlessDistributions(out, rows);
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

async function createSession(bytes: Uint8Array, path: string, cuda: boolean): Promise<ort.InferenceSession> {
  const attempts: ort.InferenceSession.SessionOptions['executionProviders'][] = cuda ? [['cuda', 'cpu'], ['cpu']] : [['cpu']];
  let last: unknown;
  for (const executionProviders of attempts) {
    try {
      // No spin-waiting between runs: the threads would steal the CPU the next recording's preprocessing needs.
      return await ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } });
    } catch (err) {
      last = err;
    }
  }
  const message = String((last as Error)?.message ?? last).split('\n')[0];
  throw new Error(`${path}: onnxruntime cannot load the model (${message.replace(/^\[.*?\]\s*/, '')})`);
}

/** Rows that already are distributions stay as they are; any other row is treated as logits. */
function softmaxRowsUnlessDistributions(out: Float32Array, rows: number): void {
  const k = CLASSES.length;
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * k, (r + 1) * k);
    const sum = row.reduce((a, b) => a + b, 0);
    if (row.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3) continue;
    const max = Math.max(...row);
    let total = 0;
    for (let i = 0; i < k; i++) total += row[i] = Math.exp(row[i] - max);
    for (let i = 0; i < k; i++) row[i] /= total;
  }
}
