import { describe, expect, it } from 'vitest';
import { Field, Float64, Int16, Int64, Schema, Table, tableToIPC, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { readParquet, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { readColumns } from './arrow-ffi';

const ROWS = 2500;
const COLUMNS: [string, DataType, (i: number) => unknown, (i: number) => number][] = [
  ['f64', new Float64(), (i) => (i % 13 === 0 ? null : i / 7 - 100), (i) => (i % 13 === 0 ? NaN : Math.fround(i / 7 - 100))],
  ['i64', new Int64(), (i) => (i % 11 === 0 ? null : BigInt(i * 1000003)), (i) => (i % 11 === 0 ? NaN : Math.fround(i * 1000003))],
  ['i16', new Int16(), (i) => (i % 300) - 150, (i) => (i % 300) - 150],
  ['text', new Utf8(), (i) => `x${i}`, () => 0],
];

/** A parquet file of COLUMNS in row groups of `groupRows`. */
function parquet(groupRows: number): Uint8Array {
  const fields = COLUMNS.map(([name, type]) => new Field(name, type, true));
  const vectors = Object.fromEntries(
    COLUMNS.map(([name, type, value]) => [
      name,
      vectorFromArray(
        Array.from({ length: ROWS }, (_, i) => value(i)),
        type as never,
      ),
    ]),
  );
  const table = new Table(new Schema(fields), vectors);
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), new WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build());
}

describe('columns read through the Arrow C data interface', () => {
  it.each([
    ['one row group, one batch', ROWS, 1 << 30],
    ['row groups and batches that do not line up', 700, 333],
  ])('%s: numbers as float32, nulls as NaN, other types named', (_, groupRows, batchSize) => {
    const read = readColumns(readParquet(parquet(groupRows), { batchSize }));
    expect(read.names).toEqual(['f64', 'i64', 'i16', 'text']);
    expect(read.rows).toBe(ROWS);
    COLUMNS.slice(0, 3).forEach(([, , , expected], c) => expect(read.columns[c]).toEqual(Float32Array.from({ length: ROWS }, (_, i) => expected(i))));
    expect(read.columns[3]).toBeNull();
    expect(read.types[3]).toBe('Utf8');
  });

  it('decodes into the memory it is handed for the values of every number column', () => {
    const into = new Float32Array(3 * ROWS + 10);
    const read = readColumns(readParquet(parquet(ROWS)), (values) => into.subarray(0, values));
    expect(read.columns[0]!.buffer).toBe(into.buffer);
    expect(into.subarray(2 * ROWS, 3 * ROWS)).toEqual(read.columns[2]);
  });
});
