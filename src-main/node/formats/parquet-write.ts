/**
 * HMS parquet files written in the encoding of the real competition files (parquet-cpp-arrow: one
 * row group, SNAPPY, OPTIONAL FLOAT columns, RLE_DICTIONARY), for the built-in dataset, the
 * benches and the tests. Apart from the reader (parquet.ts) so that a worker reading files does
 * not load apache-arrow, a quarter of a second at every worker's start.
 */
import { Field, Float32, Int64, makeData, makeVector, Schema, Table, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { writeFileAtomic } from '../fs-atomic';

export interface ParquetColumn {
  name: string;
  data: Float32Array | BigInt64Array | (number | null)[];
  type: 'FLOAT' | 'INT64';
}

/**
 * Writes columns as the real HMS files are written (one row group, SNAPPY, OPTIONAL columns,
 * dictionary-encoded); atomically (temp file, then rename).
 */
export async function writeHmsParquet(path: string, columns: ParquetColumn[]): Promise<void> {
  const fields = columns.map((c) => new Field(c.name, c.type === 'FLOAT' ? new Float32() : new Int64(), true));
  const vectors = Object.fromEntries(columns.map((c, i) => [c.name, toVector(c, fields[i].type)]));
  const table = new Table(new Schema(fields), vectors);
  // Compression is set last: earlier setters rebuild the properties and drop it (parquet-wasm 0.8).
  const properties = new WriterPropertiesBuilder()
    .setDictionaryEnabled(true)
    .setDictionaryPageSizeLimit(1 << 30)
    .setMaxRowGroupSize(1 << 30)
    .setCreatedBy('HMS Studio (parquet-wasm)')
    .setKeyValueMetadata(new Map([['pandas', pandasMetadata(columns)]]))
    .setCompression(Compression.SNAPPY)
    .build();
  await writeFileAtomic(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties));
}

/** The pandas metadata pyarrow writes, so pandas restores column dtypes and the index as it did. */
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
    creator: { library: 'hms-studio', version: '0.1.0' },
    pandas_version: '2.1.4',
  });
}

function toVector(c: ParquetColumn, type: Float32 | Int64): Vector {
  if (Array.isArray(c.data)) return vectorFromArray(c.data, type as Float32);
  return makeVector(makeData({ type, length: c.data.length, nullCount: 0, data: c.data } as never));
}
