/** ONNX models with damaged metadata, damaged bytes, or outputs that are not probabilities. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PREPROCESS } from '../../core/preprocess';
import { readFields } from '../onnx/protobuf';
import { noise, oddPath, put, truncate } from './case-kit';
import type { CorpusCase, Expect } from './corpus-case';
import { tinyModelBytes, tinyWeights, type Shared } from './shared';

type ModelCommand = 'classify' | 'timeline' | 'submit' | 'foreign';

function command(cmd: ModelCommand, model: string, out: string, shared: Shared, preset?: string): string[] {
  if (cmd === 'submit') return ['submit', shared.folder, '--model', model, '--out', join(out, 'submission.csv')];
  const args = ['classify', shared.parquet, '--model', model];
  if (cmd === 'timeline') args.push('--timeline', '--stride', '10');
  if (preset) args.push('--preset', preset);
  return args;
}

function model(name: string, expect: Expect, what: string, write: (path: string, shared: Shared) => Promise<unknown>, cmd: ModelCommand = 'classify', preset?: string): CorpusCase {
  return {
    name,
    format: 'onnx',
    expect,
    what,
    async make(dir, out, shared) {
      const path = join(dir, 'model.onnx');
      await write(path, shared);
      return { args: command(cmd, path, out, shared, preset), names: path };
    },
  };
}

/** The tiny model with hms.<key> metadata set to `value` (a JSON text, as stored), or removed. */
const meta = (name: string, what: string, edits: Record<string, string | undefined>, cmd?: ModelCommand) =>
  model(name, 'refuse', what, (path) => put(path, tinyModelBytes(Object.fromEntries(Object.entries(edits).map(([k, v]) => [`hms.${k}`, v])))), cmd);

/** The bytes up to the end of the graph (ModelProto field 7): the opset and the metadata lost. */
function cutAfterGraph(bytes: Uint8Array): Uint8Array {
  const graph = readFields(bytes).find((f) => f.field === 7)!.bytes!;
  return bytes.slice(0, graph.byteOffset - bytes.byteOffset + graph.length);
}

const preprocess = (edit: Record<string, unknown>, filter: Record<string, unknown> = {}) =>
  JSON.stringify({ ...DEFAULT_PREPROCESS, ...edit, filter: { ...DEFAULT_PREPROCESS.filter, ...filter } });

export const modelCases: CorpusCase[] = [
  meta('meta-order-1000', 'filter order 1000', { preprocess: preprocess({}, { order: 1000 }) }),
  meta('meta-clip-negative', 'clipUv -5', { preprocess: preprocess({ clipUv: -5 }) }),
  meta('meta-highpass-150', 'a high-pass at 150 Hz (above Nyquist at 200 Hz)', { preprocess: preprocess({}, { highpassHz: 150, lowpassHz: undefined }) }),
  meta('meta-montage-bogus', 'montage "bogus"', { preprocess: preprocess({ montage: 'bogus' }) }),
  meta('meta-preprocess-null', 'preprocess null', { preprocess: 'null' }),
  meta('meta-no-filter', 'preprocess without its filter', { preprocess: JSON.stringify({ montage: 'bipolar', clipUv: 1024 }) }),
  meta('meta-classes-3', '3 classes', { classes: JSON.stringify(['seizure', 'lpd', 'gpd']) }),
  meta('meta-rate-zero', 'sampleRateHz 0', { sampleRateHz: '0' }),
  meta('meta-window-huge', 'windowSamples 1e12', { windowSamples: '1e12' }),
  meta('meta-channels-wrong', '19 channels that are not the montage', { channels: JSON.stringify(Array.from({ length: 19 }, (_, i) => `X${i}`)) }),
  model('nan-output', 'refuse', 'a model whose output is NaN', (path) => put(path, tinyModelBytes({}, tinyWeights(NaN)))),
  model('nan-output-timeline', 'refuse', 'a model whose output is NaN, along a timeline', (path) => put(path, tinyModelBytes({}, tinyWeights(NaN))), 'timeline'),
  model('nan-output-submit', 'refuse', 'a model whose output is NaN, for submit', (path) => put(path, tinyModelBytes({}, tinyWeights(NaN))), 'submit'),
  model('inf-output', 'refuse', 'a model with infinite weights', (path) => put(path, tinyModelBytes({}, tinyWeights(Infinity)))),
  model('garbage', 'refuse', 'noise', (path) => put(path, noise(5000, 7))),
  model('truncated-half', 'refuse', 'the first half of a model', (path) => put(path, truncate(tinyModelBytes(), 0.5))),
  model('truncated-after-graph', 'refuse', 'a model cut after its graph', (path) => put(path, cutAfterGraph(tinyModelBytes()))),
  model('empty', 'refuse', 'an empty file', (path) => put(path, '')),
  model('text', 'refuse', 'a text file', (path) => put(path, 'this is not a model\n')),
  ...(['fifo', 'dev-zero'] as const).map((kind) => model(`model-${kind}`, 'refuse', `model.onnx: ${kind}`, (path) => oddPath(kind, path))),
  model('foreign-no-preset', 'refuse', 'a PyTorch model without --preset', async (path, shared) => put(path, await readFile(shared.foreignModel))),
  model('foreign-bogus-preset', 'refuse', 'a PyTorch model with --preset bogus', async (path, shared) => put(path, await readFile(shared.foreignModel)), 'classify', 'bogus'),
  model(
    'foreign-timeline',
    'accept',
    'a PyTorch model with --preset notebook, along a timeline',
    async (path, shared) => put(path, await readFile(shared.foreignModel)),
    'timeline',
    'notebook',
  ),
];
