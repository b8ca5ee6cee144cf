/**
 * HMS parquet files, read and written in the encoding of the real competition files
 * (parquet-cpp-arrow: one row group, SNAPPY, OPTIONAL FLOAT columns, RLE_DICTIONARY).
 * A missing sample may arrive as null or NaN; both become NaN here.
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DataError, HMS_CHANNELS, HMS_SAMPLE_RATE_HZ, type Recording } from '../../core/eeg';
import { writeFileAtomic } from '../fs-atomic';

export interface ParquetColumn {
  name: string;
  data: Float32Array | BigInt64Array | (number | null)[];
  type: 'FLOAT' | 'INT64';
}

/** Writes columns as the real HMS files are written; atomically (temp file, then rename). */
export async function writeHmsParquet(path: string, columns: ParquetColumn[]): Promise<void> {
  const rows = columns[0]?.data.length ?? 0;
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name,
      data: c.data,
      type: c.type,
      nullable: true,
      encoding: c.type === 'FLOAT' ? ('RLE_DICTIONARY' as const) : undefined,
    })),
    codec: 'SNAPPY',
    rowGroupSize: Math.max(rows, 1),
    statistics: false,
    createdBy: 'parquet-cpp-arrow version 14.0.2',
    kvMetadata: [{ key: 'pandas', value: pandasMetadata(columns) }],
  });
  await writeFileAtomic(path, new Uint8Array(buffer));
}

function pandasMetadata(columns: ParquetColumn[]): string {
  return JSON.stringify({
    index_columns: [{ kind: 'range', name: null, start: 0, stop: columns[0]?.data.length ?? 0, step: 1 }],
    column_indexes: [],
    columns: columns.map((c) => ({
      name: c.name,
      field_name: c.name,
      pandas_type: c.type === 'FLOAT' ? 'float32' : 'int64',
      numpy_type: c.type === 'FLOAT' ? 'float32' : 'int64',
      metadata: null,
    })),
    creator: { library: 'pyarrow', version: '14.0.2' },
    pandas_version: '2.1.4',
  });
}

/** All columns of a parquet file as Float32Arrays (nulls → NaN), in file order. */
export async function readParquetColumns(
  path: string,
): Promise<{ names: string[]; columns: Float32Array[]; rows: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    throw new DataError(path, `not a readable parquet file (${(err as Error).message})`);
  }
  const rows = Number(metadata.num_rows);
  const names = metadata.schema.slice(1).map((s) => s.name);
  const columns = names.map(() => new Float32Array(rows));
  const index = new Map(names.map((n, i) => [n, i]));
  try {
    await parquetRead({
      file,
      metadata,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const out = columns[index.get(columnName)!];
        const n = Math.min(rowEnd, rows) - rowStart;
        if (columnData instanceof Float32Array || columnData instanceof Float64Array) {
          out.set(columnData.subarray(0, n), rowStart);
        } else {
          for (let i = 0; i < n; i++) {
            const v = columnData[i] as number | bigint | null | undefined;
            out[rowStart + i] = v === null || v === undefined ? NaN : Number(v);
          }
        }
      },
    });
  } catch (err) {
    throw new DataError(path, `corrupt parquet data (${(err as Error).message})`);
  }
  return { names, columns, rows };
}

/** An HMS `train_eegs/*.parquet` file: Fp1 … O2, EKG at 200 Hz, µV. */
export async function readHmsEegParquet(path: string): Promise<Recording> {
  const { names, columns, rows } = await readParquetColumns(path);
  const missing = HMS_CHANNELS.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new DataError(path, `not an HMS EEG file: missing column(s) ${missing.join(', ')}`);
  }
  if (rows === 0) throw new DataError(path, 'the file holds no samples');
  const data = HMS_CHANNELS.map((c) => columns[names.indexOf(c)]);
  return {
    channels: [...HMS_CHANNELS],
    sampleRateHz: HMS_SAMPLE_RATE_HZ,
    data,
    units: HMS_CHANNELS.map(() => 'uV'),
    annotations: [],
    source: { path, format: 'hms-parquet' },
  };
}

export const SPECTROGRAM_REGIONS = ['LL', 'RL', 'LP', 'RP'] as const;

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
  const { names, columns } = await readParquetColumns(path);
  const t = names.indexOf('time');
  if (t < 0) throw new DataError(path, 'not an HMS spectrogram file: missing column time');
  const byRegion = SPECTROGRAM_REGIONS.map((r) =>
    names.map((n, i) => ({ n, i })).filter(({ n }) => n.startsWith(`${r}_`)),
  );
  const bins = byRegion[0].length;
  if (bins === 0 || byRegion.some((cols) => cols.length !== bins)) {
    throw new DataError(path, `not an HMS spectrogram file: expected equal LL_/RL_/LP_/RP_ column sets, found ${byRegion.map((c) => c.length).join('/')}`);
  }
  const frequenciesHz = byRegion[0].map(({ n }) => Number(n.slice(3)));
  if (frequenciesHz.some((f) => !Number.isFinite(f))) {
    throw new DataError(path, 'spectrogram column names must be REGION_FREQUENCY, e.g. LL_0.59');
  }
  return {
    timeSec: columns[t],
    frequenciesHz,
    power: byRegion.map((cols) => cols.map(({ i }) => columns[i])),
    source: { path },
  };
}
