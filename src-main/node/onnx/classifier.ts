/**
 * A model file ready to classify: an onnxruntime session (CPU; the CUDA provider first when asked
 * and its files are installed, falling back without a word), created once and reused, fed in
 * batches. The file says how to feed it (`ModelInfo` in its metadata); a model made elsewhere
 * needs a preprocessing preset instead. Whatever is wrong with a file is said in one sentence
 * naming it, never as an onnxruntime dump.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { CLASSES, DataError } from '../../core/eeg';
import { type ModelInfo, modelInfoFromMetadata, PREPROCESS_PRESETS } from '../../core/model-info';
import { PRODUCER, readModelBytes } from './export';
import { outlineModel } from './onnx-model';
import { cudaFilesMissing } from './providers';

export interface ClassifierOptions {
  /** How a model made elsewhere was fed (a key of PREPROCESS_PRESETS); ignored for our own models. */
  preset?: string;
  /** Try the CUDA execution provider first. */
  cuda?: boolean;
  /** onnxruntime's threads for one run (default: one per core the OS offers); 1 where many sessions run side by side, as a batch's workers do. */
  threads?: number;
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
    /** The batch size the graph insists on, or null when it takes any. */
    private readonly fixedBatch: number | null,
  ) {}

  static async open(path: string, options: ClassifierOptions = {}): Promise<OnnxClassifier> {
    const bytes = await readModelBytes(path);
    if (bytes.length === 0) throw new DataError(path, 'the model file is empty');
    let outline: ReturnType<typeof outlineModel>;
    try {
      outline = outlineModel(bytes);
    } catch {
      throw new DataError(path, unreadable(bytes));
    }
    // A file cut right after its graph still decodes, but lost what follows: the opset, our metadata.
    if (outline.opset === 0) throw new DataError(path, 'the model file is incomplete or damaged: it names no ONNX opset');
    const own = modelInfoFromMetadata(outline.metadata, path);
    if (!own && outline.producer === PRODUCER) throw new DataError(path, 'the model file is incomplete or damaged: HMS Studio made it, but its metadata is missing');
    let info: ModelInfo;
    if (own) info = own;
    else {
      const presets = Object.keys(PREPROCESS_PRESETS);
      if (!options.preset) throw new DataError(path, `this model was not made by HMS Studio and does not say how to feed it; name a preprocessing preset (${presets.join(', ')})`);
      const preset = PREPROCESS_PRESETS[options.preset];
      if (!preset) throw new DataError(path, `unknown preset "${options.preset}"; choose one of ${presets.join(', ')}`);
      info = { ...preset, model: 'external', dataFingerprint: '', validation: {}, appVersion: outline.producer };
    }
    const input = outline.inputs[0];
    if (outline.inputs.length !== 1 || !input)
      throw new DataError(path, `the model takes ${outline.inputs.length} inputs; a classifier here takes one, [batch, channels, samples]`);
    const [batch, channels, samples] = input.dims;
    // A named dimension is one the model leaves open (exported with dynamic axes): it fits any size.
    const fits = input.dims.length === 3 && (channels === info.channels.length || typeof channels === 'string') && (samples === info.windowSamples || typeof samples === 'string');
    if (!fits) {
      throw new DataError(
        path,
        `the model's input is [${input.dims.join(', ')}], but ${own ? 'its metadata' : `the "${options.preset}" preset`} feeds [batch, ${info.channels.length}, ${info.windowSamples}] ` +
          `(${info.channels.length} channels × ${info.windowSamples / info.sampleRateHz} s at ${info.sampleRateHz} Hz)`,
      );
    }
    const output = outline.outputs[0];
    if (!output || (output.dims.length > 0 && output.dims.length !== 2) || (typeof output.dims[1] === 'number' && output.dims[1] !== CLASSES.length)) {
      throw new DataError(path, `the model's output is [${output?.dims.join(', ') ?? ''}]; a classifier here returns ${CLASSES.length} classes`);
    }
    const session = await createSession(bytes, path, options.cuda ?? false, options.threads);
    // A model exported without a dynamic batch takes exactly that many rows per run.
    const fixedBatch = typeof batch === 'number' && batch > 0 ? batch : null;
    return new OnnxClassifier(path, info, session, input.name, output.name, own ? 'never' : 'auto', fixedBatch);
  }

  /** x: [rows, channels, samples] µV, preprocessed as `info` says; returns [rows, classes] probabilities. */
  async run(x: Float32Array, rows: number): Promise<Float32Array> {
    const perRow = this.info.channels.length * this.info.windowSamples;
    if (x.length !== rows * perRow) throw new Error(`expected ${rows} × ${perRow} values, got ${x.length}`);
    const k = CLASSES.length;
    const out = new Float32Array(rows * k);
    const step = this.fixedBatch ?? MAX_BATCH;
    for (let begin = 0; begin < rows; begin += step) {
      const n = Math.min(step, rows - begin);
      let data = x.subarray(begin * perRow, (begin + n) * perRow);
      if (this.fixedBatch && n < this.fixedBatch) {
        // The last, short batch of a fixed-batch model: pad with zeros, keep the real rows' results.
        const padded = new Float32Array(this.fixedBatch * perRow);
        padded.set(data);
        data = padded;
      }
      const feed = new ort.Tensor('float32', data, [data.length / perRow, this.info.channels.length, this.info.windowSamples]);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await this.session.run({ [this.inputName]: feed });
      } catch (err) {
        throw new Error(`${this.path}: the model failed to run (${firstLine(err)})`, { cause: err });
      }
      const y = result[this.outputName];
      if (y.type !== 'float32' || y.data.length < n * k) {
        for (const t of Object.values(result)) t.dispose();
        throw new DataError(this.path, `the model returned ${y.type} [${y.dims.join(', ')}]; a classifier here needs float32 [batch, ${k}]`);
      }
      out.set((y.data as Float32Array).subarray(0, n * k), begin * k);
      for (const t of Object.values(result)) t.dispose();
    }
    if (this.softmax === 'auto') softmaxRowsUnlessDistributions(out, rows);
    this.checkProbabilities(out, rows);
    return out;
  }

  /** NaN, infinities, or (from our own models, which end in a softmax) rows that are not distributions: a damaged model, said so. */
  private checkProbabilities(out: Float32Array, rows: number): void {
    const k = CLASSES.length;
    for (let r = 0; r < rows; r++) {
      const row = out.subarray(r * k, (r + 1) * k);
      const sum = row.reduce((a, b) => a + b, 0);
      const where = rows > 1 ? ` for window ${r + 1} of ${rows}` : '';
      if (!row.every(Number.isFinite))
        throw new DataError(this.path, `the model returned ${row.some(Number.isNaN) ? 'NaN' : 'an infinite value'}${where}: its weights or its graph are damaged`);
      if (row.some((v) => v < -1e-6) || Math.abs(sum - 1) > 1e-3)
        throw new DataError(this.path, `the model returned [${Array.from(row, (v) => +v.toPrecision(3)).join(', ')}]${where}, not six probabilities summing to 1`);
    }
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

async function createSession(bytes: Uint8Array, path: string, cuda: boolean, threads: number | undefined): Promise<ort.InferenceSession> {
  const attempts: ort.InferenceSession.SessionOptions['executionProviders'][] = cuda && !cudaFilesMissing() ? [['cuda', 'cpu'], ['cpu']] : [['cpu']];
  let last: unknown;
  for (const executionProviders of attempts) {
    try {
      // No spin-waiting between runs: the threads would steal the CPU the next recording's preprocessing needs.
      return await ort.InferenceSession.create(bytes, {
        executionProviders,
        graphOptimizationLevel: 'all',
        // Always said: onnxruntime's own default counts physical cores as its CPU library sees them, which on a 2-vCPU cloud machine is 1 — half the speed.
        intraOpNumThreads: threads ?? availableParallelism(),
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (err) {
      last = err;
    }
  }
  throw new DataError(path, `onnxruntime cannot load the model (${firstLine(last)})`);
}

/**
 * The first line of an onnxruntime error without its `[ErrorCode:…]` prefix, source location and
 * C++ signature: `…/model.cc:191 onnxruntime::Model::Model(onnx::ModelProto&&, …) Missing opset…`
 * → `Missing opset…`.
 */
function firstLine(err: unknown): string {
  let message = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .replace(/^\[.*?\]\s*/, '');
  const location = /^\S+\.(cc|cpp|h):\d+\s+/.exec(message);
  if (location) {
    message = message.slice(location[0].length);
    // Skip the function's signature: up to the parenthesis that closes its first one.
    const open = message.indexOf('(');
    if (open >= 0 && !/\s/.test(message.slice(0, open))) {
      let depth = 0;
      for (let i = open; i < message.length; i++) {
        if (message[i] === '(') depth++;
        else if (message[i] === ')' && --depth === 0) {
          message = message.slice(i + 1);
          break;
        }
      }
    }
  }
  return message.trim() || 'no reason given';
}

/** Why bytes that do not decode as an ONNX model are not one, in plain words. */
function unreadable(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 512);
  const printable = head.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc2).length;
  if (printable === head.length) return 'not an ONNX model: it is a text file';
  // An ONNX file starts with its ir_version (field 1, a varint: byte 0x08) and soon has its graph.
  if (bytes[0] === 0x08 && startsLikeOnnx(bytes)) return 'the model file is incomplete: it ends in the middle of the model (an interrupted download or copy?)';
  return 'not an ONNX model: its contents are not in the ONNX format';
}

/** ir_version, then the fields a ModelProto has before its graph (producer, domain, opset…). */
function startsLikeOnnx(bytes: Uint8Array): boolean {
  let pos = 1;
  while (pos < bytes.length && bytes[pos] & 0x80) pos++;
  pos++;
  const key = bytes[pos];
  // The next field: producer_name (2), producer_version (3), domain (4), model_version (5), doc (6), graph (7), opset (8).
  return key !== undefined && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(key);
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
