/**
 * HMS parquet files, read (parquet-write.ts writes them) in the encoding of the real competition files
 * (parquet-cpp-arrow: one row group, SNAPPY, OPTIONAL FLOAT columns, RLE_DICTIONARY).
 * A missing sample may arrive as null or NaN; both become NaN here.
 */
import { readParquet } from 'parquet-wasm/node';
import { errorMessage } from '../../core/errors';
import { DataError, HMS_CHANNELS, HMS_SAMPLE_RATE_HZ, type Recording } from '../../core/eeg';
import { type ColumnsRead, readColumns } from './arrow-ffi';
import { readInputFile } from './input-file';
import { type ParquetFooter, readParquetFooter } from './parquet-footer';
import { SPECTROGRAM_REGION_NAMES } from '../../core/spectrogram';

/** Columns in file order: numbers as Float32Array (nulls → NaN), any other type null, its Arrow type in `types`. */
type ParquetTable = ColumnsRead;

/** Decoded float32 samples beyond which a file is refused before decoding (a footer can claim any count). */
const MAX_DECODED_BYTES = 2 ** 32;

/** All columns of a parquet file, in file order. */
export async function readParquetColumns(path: string): Promise<ParquetTable> {
  return parseParquetColumns(await readInputFile(path), path);
}

/** `buffer`: where the number columns are decoded to, as readColumns takes it. */
export async function parseParquetColumns(bytes: Uint8Array, path: string, buffer?: (values: number) => Float32Array): Promise<ParquetTable> {
  const footer = checkFooter(bytes, path);
  let table: ParquetTable;
  try {
    // parquet-wasm (Rust) decodes ~3× faster than pure-JS readers. One batch for the whole file:
    // each column is then one run of values to copy.
    table = readColumns(readParquet(bytes, { batchSize: 1 << 30 }), buffer);
  } catch (err) {
    throw new DataError(path, `not a readable parquet file (${errorMessage(err)})`);
  }
  if (footer && table.rows !== footer.numRows) {
    throw new DataError(path, `a damaged parquet file: its footer claims ${footer.numRows} rows, its data holds ${table.rows}`);
  }
  return table;
}

/** The row counts of the footer, checked against each other and against memory before anything is decoded. */
function checkFooter(bytes: Uint8Array, path: string): ParquetFooter | null {
  const footer = readParquetFooter(bytes);
  if (!footer) return null;
  const inGroups = footer.rowGroupRows.reduce((a, b) => a + b, 0);
  if (footer.rowGroupRows.some((r) => r < 0) || inGroups !== footer.numRows) {
    throw new DataError(path, `a damaged parquet file: its footer claims ${footer.numRows} rows, its row groups ${inGroups}`);
  }
  const decoded = footer.numRows * Math.max(1, footer.columns) * 4;
  if (decoded > MAX_DECODED_BYTES) {
    throw new DataError(path, `its footer claims ${footer.numRows} rows × ${footer.columns} columns: ${(decoded / 2 ** 30).toFixed(0)} GiB decoded, more than is read at once`);
  }
  return footer;
}

/** The columns named `wanted`, each present once and numeric; whatever is wrong is said naming the column. */
function numericColumns(path: string, { names, columns, types }: ParquetTable, wanted: readonly string[], what: string): Float32Array[] {
  return wanted.map((name) => {
    const at = names.indexOf(name);
    if (names.indexOf(name, at + 1) >= 0) throw new DataError(path, `${what}: column ${name} appears ${names.filter((n) => n === name).length} times`);
    const column = columns[at];
    if (!column) throw new DataError(path, `${what}: column ${name} holds ${types[at]} values, not numbers`);
    return column;
  });
}

/** An HMS `train_eegs/*.parquet` file: Fp1 … O2, EKG at 200 Hz, µV. */
export async function readHmsEegParquet(path: string): Promise<Recording> {
  return eegFromColumns(path, await readParquetColumns(path));
}

/** `buffer`: where the samples are decoded to, as readColumns takes it. */
export async function parseHmsEegParquet(bytes: Uint8Array, path: string, buffer?: (values: number) => Float32Array): Promise<Recording> {
  return eegFromColumns(path, await parseParquetColumns(bytes, path, buffer));
}

/** Either kind of HMS parquet file, told apart by its columns. */
export async function readHmsParquet(path: string): Promise<{ kind: 'eeg'; recording: Recording } | { kind: 'spectrogram'; spectrogram: Spectrogram }> {
  const table = await readParquetColumns(path);
  return table.names.includes('time') ? { kind: 'spectrogram', spectrogram: spectrogramFromColumns(path, table) } : { kind: 'eeg', recording: eegFromColumns(path, table) };
}

function eegFromColumns(path: string, table: ParquetTable): Recording {
  const missing = HMS_CHANNELS.filter((c) => !table.names.includes(c));
  if (missing.length) {
    throw new DataError(path, `not an HMS EEG file: missing column(s) ${missing.join(', ')}`);
  }
  const data = numericColumns(path, table, HMS_CHANNELS, 'not an HMS EEG file');
  if (table.rows === 0) throw new DataError(path, 'the file holds no samples');
  return {
    channels: [...HMS_CHANNELS],
    sampleRateHz: HMS_SAMPLE_RATE_HZ,
    data,
    units: HMS_CHANNELS.map(() => 'uV'),
    annotations: [],
    source: { path, format: 'hms-parquet' },
  };
}

/** An HMS spectrogram: one row per 2 s, 4 regions × 100 frequency bins (0.59–19.92 Hz). */
export interface Spectrogram {
  timeSec: Float32Array;
  /** Bin centre frequencies, Hz, as the column names give them. */
  frequenciesHz: number[];
  /** power[region][bin] is a column over time. */
  power: Float32Array[][];
  source: { path: string };
}

export async function readHmsSpectrogramParquet(path: string): Promise<Spectrogram> {
  return spectrogramFromColumns(path, await readParquetColumns(path));
}

function spectrogramFromColumns(path: string, table: ParquetTable): Spectrogram {
  const { names } = table;
  if (!names.includes('time')) throw new DataError(path, 'not an HMS spectrogram file: missing column time');
  const byRegion = SPECTROGRAM_REGION_NAMES.map((r) => names.map((n, i) => ({ n, i })).filter(({ n }) => n.startsWith(`${r}_`)));
  const bins = byRegion[0].length;
  if (bins === 0 || byRegion.some((cols) => cols.length !== bins)) {
    throw new DataError(path, `not an HMS spectrogram file: expected equal LL_/RL_/LP_/RP_ column sets, found ${byRegion.map((c) => c.length).join('/')}`);
  }
  const frequenciesHz = byRegion[0].map(({ n }) => Number(n.slice(3)));
  if (frequenciesHz.some((f) => !Number.isFinite(f))) {
    throw new DataError(path, 'spectrogram column names must be REGION_FREQUENCY, e.g. LL_0.59');
  }
  const [timeSec] = numericColumns(path, table, ['time'], 'not an HMS spectrogram file');
  return {
    timeSec,
    frequenciesHz,
    power: byRegion.map((cols) =>
      numericColumns(
        path,
        table,
        cols.map(({ n }) => n),
        'not an HMS spectrogram file',
      ),
    ),
    source: { path },
  };
}
