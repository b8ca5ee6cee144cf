/**
 * The columns of a table parquet-wasm decoded, read straight out of its WebAssembly memory through
 * the Arrow C data interface (arrow.apache.org/docs/format/CDataInterface.html, wasm32 layout):
 * each number column is copied once into a Float32Array. Going through an Arrow IPC stream instead
 * (serialise in wasm, copy out, parse with apache-arrow) cost more than the decoding itself.
 */
import { type Table, wasmMemory } from 'parquet-wasm/node';
import { fromFloat16 } from '../../core/float16';

/** Byte offsets of the ArrowSchema and ArrowArray fields on wasm32: pointers of 4 bytes, int64 aligned to 8. */
const SCHEMA = { format: 0, name: 4, nChildren: 24, children: 32, dictionary: 36 } as const;
const ARRAY = { length: 0, offset: 16, nChildren: 32, buffers: 40, children: 44 } as const;

type NumberArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
type NumberArrayClass = { new (buffer: ArrayBuffer, byteOffset: number, length: number): NumberArray; BYTES_PER_ELEMENT: number };

/** The Arrow formats of numbers, and how their values are laid out; float16 ('e') as its bits. */
const NUMBER_FORMATS: Record<string, NumberArrayClass> = {
  f: Float32Array,
  g: Float64Array,
  e: Uint16Array,
  c: Int8Array,
  C: Uint8Array,
  s: Int16Array,
  S: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
};

/** How Arrow names the types of columns that are not numbers, for messages. */
const TYPE_NAMES: Record<string, string> = { b: 'Bool', u: 'Utf8', U: 'LargeUtf8', vu: 'Utf8View', z: 'Binary', Z: 'LargeBinary', n: 'Null', tdD: 'Date32', tdm: 'Date64' };

export interface ColumnsRead {
  names: string[];
  /** Number columns as Float32Array (nulls → NaN), others null. */
  columns: (Float32Array | null)[];
  /** Each column's Arrow type, in words where it is not a number. */
  types: string[];
  rows: number;
}

/**
 * Consumes `table`. The number columns lie one after another in one Float32Array that `buffer`
 * hands out for their count of values: new by default, or memory a worker reuses from file to file.
 */
export function readColumns(table: Table, buffer: (values: number) => Float32Array = (values) => new Float32Array(values)): ColumnsRead {
  const stream = table.intoFFI();
  try {
    const schema = stream.schemaAddr();
    const batches = [...stream.arrayAddrs()];
    // Taken after the last call into wasm: a call that grows its memory detaches the old buffer.
    const memory = wasmMemory().buffer as ArrayBuffer;
    const view = new DataView(memory);
    const fields = children(view, schema, SCHEMA).map((at) => field(view, at));
    const rows = batches.reduce((n, at) => n + int64(view, at + ARRAY.length), 0);
    const numeric = fields.filter((f) => f.values).length;
    const values = buffer(rows * numeric);
    let next = 0;
    const columns = fields.map((f) => (f.values ? values.subarray(rows * next, rows * ++next) : null));
    let row = 0;
    for (const batch of batches) {
      const length = int64(view, batch + ARRAY.length);
      children(view, batch, ARRAY).forEach((at, c) => {
        if (fields[c].values) copyColumn(memory, view, at, fields[c], columns[c]!.subarray(row, row + length));
      });
      row += length;
    }
    return { names: fields.map((f) => f.name), columns, types: fields.map((f) => f.type), rows };
  } finally {
    stream.free();
  }
}

interface Field {
  name: string;
  type: string;
  /** How a number column's values are laid out; null for a column of anything else. */
  values: NumberArrayClass | null;
  format: string;
}

function field(view: DataView, schema: number): Field {
  const format = cString(view, view.getUint32(schema + SCHEMA.format, true));
  const dictionary = view.getUint32(schema + SCHEMA.dictionary, true) !== 0;
  const values = dictionary ? null : (NUMBER_FORMATS[format] ?? null);
  const type = dictionary ? 'Dictionary' : (TYPE_NAMES[format] ?? `Arrow format "${format}"`);
  return { name: cString(view, view.getUint32(schema + SCHEMA.name, true)), type, values, format };
}

/** Copies `out.length` values of the ArrowArray at `array` into `out` as float32, a null (its validity bit clear) as NaN. */
function copyColumn(memory: ArrayBuffer, view: DataView, array: number, { values: type, format }: Field, out: Float32Array): void {
  const offset = int64(view, array + ARRAY.offset);
  const buffers = view.getUint32(array + ARRAY.buffers, true);
  const validity = view.getUint32(buffers, true);
  const values = typed(memory, type!, view.getUint32(buffers + 4, true) + offset * type!.BYTES_PER_ELEMENT, out.length);
  if (format === 'e') fromFloat16(values as Uint16Array, out);
  else if (values instanceof Float32Array || values instanceof Float64Array) out.set(values);
  else for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
  if (validity === 0) return;
  const bits = new Uint8Array(memory, validity);
  for (let i = 0, bit = offset; i < out.length; i++, bit++) if (!((bits[bit >> 3] >> (bit & 7)) & 1)) out[i] = NaN;
}

/** `length` values of `type` at byte `at` of wasm memory: a view, or a copy where `at` is not aligned for a view. */
function typed(memory: ArrayBuffer, type: NumberArrayClass, at: number, length: number): NumberArray {
  if (at % type.BYTES_PER_ELEMENT === 0) return new type(memory, at, length);
  return new type(memory.slice(at, at + length * type.BYTES_PER_ELEMENT), 0, length);
}

/** The pointers to the children of the ArrowSchema or ArrowArray at `struct` (the table's columns). */
function children(view: DataView, struct: number, layout: { nChildren: number; children: number }): number[] {
  const list = view.getUint32(struct + layout.children, true);
  return Array.from({ length: int64(view, struct + layout.nChildren) }, (_, i) => view.getUint32(list + 4 * i, true));
}

function int64(view: DataView, at: number): number {
  return Number(view.getBigInt64(at, true));
}

function cString(view: DataView, at: number): string {
  let end = at;
  while (view.getUint8(end) !== 0) end++;
  return new TextDecoder().decode(new Uint8Array(view.buffer, at, end - at));
}
