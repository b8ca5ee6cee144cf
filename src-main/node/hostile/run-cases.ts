/** Run folders with damaged checkpoints or run.json, outputs that cannot be written, and option values out of range. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WINDOW_SAMPLES } from '../../core/eeg';
import { DEFAULT_PREPROCESS } from '../../core/preprocess';
import { writeCheckpoint } from '../train/checkpoint';
import { oddPath, put, truncate } from './case-kit';
import type { CorpusCase, Expect, Format } from './corpus-case';
import { checkpointMeta, eegChannels, tinyWeights, validFolder, writeFolder, type Shared } from './shared';

type RunCommand = 'export' | 'evaluate';

function runCase(
  name: string,
  expect: Expect,
  what: string,
  cmd: RunCommand,
  names: 'best.ckpt' | 'run.json' | '',
  write: (run: string, shared: Shared) => Promise<unknown>,
): CorpusCase {
  return {
    name,
    format: 'run',
    expect,
    what,
    async make(dir, out, shared) {
      const run = join(dir, 'run');
      await mkdir(run, { recursive: true });
      await write(run, shared);
      const args = cmd === 'export' ? ['export', run, '--out', join(out, 'model.onnx')] : ['evaluate', run, shared.folder];
      return { args, names: names ? join(run, names) : run };
    },
  };
}

const ckpt = (run: string) => join(run, 'best.ckpt');
const copyRunJson = async (run: string, shared: Shared) => writeFile(join(run, 'run.json'), await readFile(join(shared.run, 'run.json')));
/** A run whose best.ckpt is the shared one with `damage` done to its bytes. */
const damaged = (damage: (b: Uint8Array) => Uint8Array) => async (run: string, shared: Shared) => {
  await copyRunJson(run, shared);
  await put(ckpt(run), damage(new Uint8Array(await readFile(join(shared.run, 'best.ckpt')))));
};
/** A well-formed checkpoint file holding `meta` and `arrays`. */
const written =
  (meta: unknown, arrays: Record<string, Float32Array> = { weights: tinyWeights() }) =>
  async (run: string, shared: Shared) => {
    await copyRunJson(run, shared);
    await writeCheckpoint(ckpt(run), { meta, arrays });
  };
/** A checkpoint file of MAGIC, a header length, and `header` as it is. */
const rawHeader = (header: string, declaredLength?: number) => async (run: string) => {
  const json = Buffer.from(header);
  const bytes = Buffer.alloc(12 + json.length);
  bytes.write('HMSCKPT1', 0, 'latin1');
  bytes.writeUInt32LE(declaredLength ?? json.length, 8);
  json.copy(bytes, 12);
  await put(ckpt(run), bytes);
};

function optionCase(name: string, what: string, args: (shared: Shared, out: string) => string[], option: string, format: Format = 'options'): CorpusCase {
  return { name, format, expect: 'usage', what, make: async (_dir, out, shared) => ({ args: args(shared, out), names: option }) };
}

const both = (name: string, what: string, names: 'best.ckpt' | 'run.json' | '', write: (run: string, shared: Shared) => Promise<unknown>) =>
  (['export', 'evaluate'] as const).map((cmd) => runCase(`${name}-${cmd}`, 'refuse', what, cmd, names, write));

export const runCases: CorpusCase[] = [
  ...both(
    'ckpt-truncated',
    'best.ckpt cut in half',
    'best.ckpt',
    damaged((b) => truncate(b, 0.5)),
  ),
  runCase(
    'ckpt-garbage',
    'refuse',
    'best.ckpt of text',
    'export',
    'best.ckpt',
    damaged(() => new TextEncoder().encode('not a checkpoint')),
  ),
  runCase('ckpt-header-no-arrays', 'refuse', 'a checkpoint header without its array list', 'export', 'best.ckpt', rawHeader(JSON.stringify({ meta: checkpointMeta() }))),
  ...both('ckpt-no-spec', 'checkpoint metadata without its model spec', 'best.ckpt', written({ ...checkpointMeta(), spec: undefined })),
  runCase('ckpt-no-weights', 'refuse', 'a checkpoint without weights', 'evaluate', 'best.ckpt', written(checkpointMeta(), { other: new Float32Array(3) })),
  runCase(
    'ckpt-weights-wrong',
    'refuse',
    'a checkpoint with 10 weights for a 120-weight model',
    'evaluate',
    'best.ckpt',
    written(checkpointMeta(), { weights: new Float32Array(10) }),
  ),
  runCase(
    'ckpt-spec-bogus-layer',
    'refuse',
    'a model spec with a layer of kind "bogus"',
    'export',
    'best.ckpt',
    written(checkpointMeta({ spec: { ...checkpointMeta().spec, layers: [{ kind: 'bogus' } as never] } })),
  ),
  ...both(
    'ckpt-order-1000',
    'a checkpoint trained with filter order 1000',
    'best.ckpt',
    written(checkpointMeta({ preprocess: { ...DEFAULT_PREPROCESS, filter: { ...DEFAULT_PREPROCESS.filter, order: 1000 } } })),
  ),
  runCase('ckpt-window-mismatch', 'refuse', 'a checkpoint whose windowSamples is not its model input', 'export', 'best.ckpt', written(checkpointMeta({ windowSamples: 4000 }))),
  runCase('ckpt-fifo', 'refuse', 'best.ckpt a named pipe', 'export', 'best.ckpt', (run) => oddPath('fifo', ckpt(run))),
  runCase('ckpt-dev-zero', 'refuse', 'best.ckpt a link to /dev/zero', 'evaluate', 'best.ckpt', (run) => oddPath('dev-zero', ckpt(run))),
  runCase('ckpt-missing', 'refuse', 'a run folder without best.ckpt', 'export', 'best.ckpt', copyRunJson),
  runCase('run-json-garbage', 'refuse', 'run.json that is not JSON', 'export', 'run.json', async (run, shared) => {
    await writeFile(ckpt(run), await readFile(join(shared.run, 'best.ckpt')));
    await writeFile(join(run, 'run.json'), '{"status": "finished", "evalu');
  }),
  {
    name: 'evaluate-unusable',
    format: 'run',
    expect: 'refuse',
    what: 'evaluate on a folder whose every window is NaN',
    async make(dir, _out, shared) {
      const folder = join(dir, 'data');
      const spec = validFolder();
      await writeFolder(folder, { ...spec, trainEegs: Object.fromEntries(Object.keys(spec.trainEegs!).map((id) => [id, eegChannels(WINDOW_SAMPLES).map((c) => c.fill(NaN))])) });
      return { args: ['evaluate', shared.run, folder], names: folder };
    },
  },
  {
    name: 'evaluate-no-train-csv',
    format: 'run',
    expect: 'refuse',
    what: 'evaluate on a folder with test.csv only',
    async make(dir, _out, shared) {
      const folder = join(dir, 'data');
      await writeFolder(folder, { ...validFolder(), train: undefined });
      return { args: ['evaluate', shared.run, folder], names: folder };
    },
  },
  {
    name: 'export-out-no-folder',
    format: 'run',
    expect: 'refuse',
    what: 'export --out into a folder that does not exist',
    make: async (_d, out, shared) => ({ args: ['export', shared.run, '--out', join(out, 'nope', 'model.onnx')], names: join(out, 'nope', 'model.onnx') }),
  },
  {
    name: 'window-out-no-folder',
    format: 'run',
    expect: 'refuse',
    what: 'window --out into a folder that does not exist',
    make: async (_d, out, shared) => ({ args: ['window', shared.parquet, '--out', join(out, 'nope', 'w.npy')], names: join(out, 'nope', 'w.npy') }),
  },
  {
    name: 'window-out-is-folder',
    format: 'run',
    expect: 'refuse',
    what: 'window --out naming a folder',
    make: async (_d, out, shared) => {
      await mkdir(join(out, 'w.npy'));
      return { args: ['window', shared.parquet, '--out', join(out, 'w.npy')], names: join(out, 'w.npy') };
    },
  },
  // Valid.
  runCase('export-valid', 'accept', 'a valid run folder', 'export', '', async (run, shared) => {
    await copyRunJson(run, shared);
    await writeFile(ckpt(run), await readFile(join(shared.run, 'best.ckpt')));
  }),
  runCase('evaluate-valid', 'accept', 'a valid run folder on a valid dataset', 'evaluate', '', async (run, shared) => {
    await copyRunJson(run, shared);
    await writeFile(ckpt(run), await readFile(join(shared.run, 'best.ckpt')));
  }),
  // Option values out of range: usage errors naming the option.
  optionCase('window-order-1000', 'window --order 1000', (s, out) => ['window', s.parquet, '--order', '1000', '--out', join(out, 'w.npy')], '--order'),
  optionCase(
    'window-band-nyquist',
    'window --band 0.5 150 (above Nyquist at 200 Hz)',
    (s, out) => ['window', s.parquet, '--band', '0.5', '150', '--out', join(out, 'w.npy')],
    '--band',
  ),
  optionCase('window-band-inverted', 'window --band 30 10', (s, out) => ['window', s.parquet, '--band', '30', '10', '--out', join(out, 'w.npy')], '--band'),
  optionCase('preprocess-order-1000', 'preprocess --order 1000', (s, out) => ['preprocess', s.folder, '--order', '1000', '--out', join(out, 'cache')], '--order'),
  optionCase('classify-stride-zero', 'classify --timeline --stride 0', (s) => ['classify', s.parquet, '--model', s.model, '--timeline', '--stride', '0'], '--stride'),
  optionCase('classify-max-missing', 'classify --max-missing 2', (s) => ['classify', s.parquet, '--model', s.model, '--max-missing', '2'], '--max-missing'),
];
