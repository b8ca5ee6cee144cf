/** Damaged and odd HMS parquet files. */
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Bool, Float64, Int64, Utf8, vectorFromArray, makeVector, type Vector } from 'apache-arrow';
import { HMS_CHANNELS, WINDOW_SAMPLES } from '../../core/eeg';
import { readParquetFooter } from '../formats/parquet-footer';
import { fileCase, fileCases, noise, ODD_PATHS, oddPath, put, truncate } from './case-kit';
import type { CorpusCase } from './corpus-case';
import { eegChannels, writeEegParquet, writeParquetVectors } from './shared';

const N = WINDOW_SAMPLES;
const nulls = (n: number) => Array.from({ length: n }, () => null);

/** The 20 channels with channel `c` (or all, for 'all') replaced by `make`. */
function withChannel(c: number | 'all', make: (ch: Float32Array) => Float32Array | (number | null)[]) {
  return eegChannels(N).map((ch, i) => (c === 'all' || c === i ? make(ch) : ch));
}

const eeg = (name: string, data: Parameters<typeof writeEegParquet>[1], names?: readonly string[]) => async (dir: string) => {
  const path = join(dir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeEegParquet(path, data, names);
  return path;
};

/** The valid channels as Arrow vectors, with the column at `c` replaced. */
function vectors(replace: Record<number, Vector> = {}, extra: { name: string; vector: Vector }[] = []) {
  const base = eegChannels(N).map((ch, i) => ({ name: HMS_CHANNELS[i], vector: replace[i] ?? (makeVector(ch) as Vector) }));
  return [...base, ...extra];
}

const arrow = (name: string, columns: () => Parameters<typeof writeParquetVectors>[1]) => async (dir: string) => {
  const path = join(dir, name);
  await writeParquetVectors(path, columns());
  return path;
};

/** The file with its footer's row count (FileMetaData.num_rows) rewritten, the row groups' counts left as they were. */
export function withFooterRows(bytes: Uint8Array, rows: number): Uint8Array {
  const f = readParquetFooter(bytes)!;
  const varint: number[] = [];
  for (let v = rows * 2; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      varint.push(v);
      break;
    }
    varint.push((v % 128) | 128);
  }
  const footer = new Uint8Array([...bytes.subarray(f.footerAt.start, f.numRowsAt.start), ...varint, ...bytes.subarray(f.numRowsAt.end, f.footerAt.end)]);
  const out = new Uint8Array(f.footerAt.start + footer.length + 8);
  out.set(bytes.subarray(0, f.footerAt.start));
  out.set(footer, f.footerAt.start);
  new DataView(out.buffer).setUint32(f.footerAt.start + footer.length, footer.length, true);
  out.set(new TextEncoder().encode('PAR1'), out.length - 4);
  return out;
}

const footerRows = (rows: number) => async (dir: string, shared: { parquet: string }) =>
  put(join(dir, 'footer.parquet'), withFooterRows(new Uint8Array(await readFile(shared.parquet)), rows));

const bytesOf = (name: string, make: (base: Uint8Array) => Uint8Array) => async (dir: string, shared: { parquet: string }) =>
  put(join(dir, name), make(new Uint8Array(await readFile(shared.parquet))));

export const parquetCases: CorpusCase[] = [
  ...fileCases(
    'parquet',
    'all-nan',
    'refuse',
    'every sample NaN',
    ['window', 'classify'],
    eeg(
      'x.parquet',
      withChannel('all', (ch) => ch.fill(NaN)),
    ),
  ),
  ...fileCases(
    'parquet',
    'all-null',
    'refuse',
    'every sample null',
    ['window', 'classify'],
    eeg(
      'x.parquet',
      withChannel('all', () => nulls(N)),
    ),
  ),
  ...fileCases(
    'parquet',
    'all-inf',
    'refuse',
    'every sample +Infinity',
    ['window'],
    eeg(
      'x.parquet',
      withChannel('all', (ch) => ch.fill(Infinity)),
    ),
  ),
  ...fileCases(
    'parquet',
    'channel-null',
    'warn',
    'Fp1 entirely null: an absent electrode, its two chains flat and named',
    ['window', 'classify', 'timeline'],
    eeg(
      'x.parquet',
      withChannel(0, () => nulls(N)),
    ),
  ),
  ...fileCases(
    'parquet',
    'channel-half-null',
    'refuse',
    'O2 null for its first half',
    ['window', 'classify'],
    eeg(
      'x.parquet',
      withChannel(18, (ch) => Array.from(ch, (v, i) => (i < N / 2 ? null : v))),
    ),
  ),
  ...fileCases(
    'parquet',
    'string-column',
    'refuse',
    'Fp1 a STRING column',
    ['window'],
    arrow('x.parquet', () =>
      vectors({
        0: vectorFromArray(
          Array.from({ length: N }, (_, i) => String(i % 7)),
          new Utf8(),
        ),
      }),
    ),
  ),
  ...fileCases(
    'parquet',
    'boolean-column',
    'refuse',
    'C3 a BOOLEAN column',
    ['classify'],
    arrow('x.parquet', () =>
      vectors({
        2: vectorFromArray(
          Array.from({ length: N }, (_, i) => i % 2 === 0),
          new Bool(),
        ),
      }),
    ),
  ),
  ...fileCases(
    'parquet',
    'duplicate-channel',
    'refuse',
    'Fp1 twice',
    ['inspect'],
    arrow('x.parquet', () => vectors({}, [{ name: 'Fp1', vector: makeVector(eegChannels(N, 5)[0]) }])),
  ),
  ...fileCases('parquet', 'footer-2e40-rows', 'refuse', 'a footer claiming 2^40 rows', ['window'], footerRows(2 ** 40)),
  fileCase('parquet', 'footer-5-rows', 'refuse', 'a footer claiming 5 rows', 'inspect', footerRows(5)),
  ...fileCases(
    'parquet',
    'truncated-half',
    'refuse',
    'the first half of a file',
    ['inspect'],
    bytesOf('x.parquet', (b) => truncate(b, 0.5)),
  ),
  fileCase('parquet', 'zero-length', 'refuse', 'an empty file', 'inspect', async (dir) => put(join(dir, 'x.parquet'), new Uint8Array())),
  fileCase(
    'parquet',
    'corrupt-pages',
    'refuse',
    'noise over the data pages',
    'window',
    bytesOf('x.parquet', (b) => {
      const out = b.slice();
      out.set(noise(20_000, 3), 4);
      return out;
    }),
  ),
  ...fileCases('parquet', 'too-short', 'refuse', '10 s of EEG', ['classify'], eeg('x.parquet', eegChannels(2000))),
  ...ODD_PATHS.filter((kind) => kind !== 'missing').map((kind) =>
    fileCase('path', `parquet-${kind}`, 'refuse', `x.parquet: ${kind}`, kind === 'folder' ? 'window' : 'inspect', (dir) => oddPath(kind, join(dir, 'x.parquet'))),
  ),
  fileCase(
    'parquet',
    'unknown-extension',
    'refuse',
    'a recording named .txt',
    'window',
    bytesOf('x.txt', (b) => b),
  ),
  // Partly usable: the windows the NaN policy refuses are left out of a timeline, with a warning.
  fileCase('parquet', 'timeline-partly-null', 'warn', '120 s with Fp1 null from 50 to 80 s, as a timeline', 'timeline', async (dir) => {
    const data = eegChannels(120 * 200);
    const path = join(dir, 'long.parquet');
    await writeEegParquet(
      path,
      data.map((ch, c) => (c === 0 ? Array.from(ch, (v, i) => (i >= 50 * 200 && i < 80 * 200 ? null : v)) : ch)),
    );
    return path;
  }),
  // Valid but odd.
  {
    name: 'max-missing-1',
    format: 'parquet',
    expect: 'accept',
    what: 'Fp1 entirely null, with --max-missing 1: the policy waived',
    async make(dir, out) {
      const path = join(dir, 'x.parquet');
      await writeEegParquet(
        path,
        withChannel(0, () => nulls(N)),
      );
      return { args: ['window', path, '--max-missing', '1', '--out', join(out, 'w.npy')], names: path };
    },
  },
  fileCase(
    'parquet',
    'int64-columns',
    'accept',
    'INT64 channels',
    'window',
    arrow('x.parquet', () =>
      eegChannels(N).map((ch, i) => ({
        name: HMS_CHANNELS[i],
        vector: vectorFromArray(
          Array.from(ch, (v) => BigInt(Math.round(v))),
          new Int64(),
        ),
      })),
    ),
  ),
  fileCase(
    'parquet',
    'double-columns',
    'accept',
    'DOUBLE channels',
    'classify',
    arrow('x.parquet', () => eegChannels(N).map((ch, i) => ({ name: HMS_CHANNELS[i], vector: vectorFromArray(Array.from(ch), new Float64()) }))),
  ),
  fileCase(
    'parquet',
    'extra-text-column',
    'accept',
    'a STRING column beside the channels',
    'window',
    arrow('x.parquet', () =>
      vectors({}, [
        {
          name: 'note',
          vector: vectorFromArray(
            Array.from({ length: N }, () => 'ok'),
            new Utf8(),
          ),
        },
      ]),
    ),
  ),
  fileCase(
    'parquet',
    'some-nan',
    'accept',
    '5% of Fp1 NaN',
    'classify',
    eeg(
      'x.parquet',
      withChannel(0, (ch) => ch.map((v, i) => (i % 20 === 0 ? NaN : v))),
    ),
  ),
  fileCase('parquet', 'unicode-path', 'accept', 'données/脑电 é.parquet', 'window', eeg(join('données', '脑电 é.parquet'), eegChannels(N))),
  fileCase('parquet', 'spaces-path', 'accept', 'a path with spaces', 'classify', eeg(join('my data', 'rec 1.parquet'), eegChannels(N))),
  fileCase('parquet', 'symlink', 'accept', 'a link to a valid file', 'foreign', async (dir, shared) => {
    await symlink(shared.parquet, join(dir, 'link.parquet'));
    return join(dir, 'link.parquet');
  }),
];
