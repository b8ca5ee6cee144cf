/**
 * The one thing of a parquet footer (Thrift compact `FileMetaData`) the reader checks before it
 * decodes anything: how many rows the file claims, in all and per row group. A count the data
 * cannot hold is a damaged file, and a decoder trusting it sizes its buffers by it.
 */

export interface ParquetFooter {
  /** FileMetaData.num_rows. */
  numRows: number;
  /** RowGroup.num_rows of each row group. */
  rowGroupRows: number[];
  /** Leaf and group elements of the schema, its root left out: the columns of a flat file. */
  columns: number;
  /** Byte range of the num_rows varint in the file (for tools that rewrite it). */
  numRowsAt: { start: number; end: number };
  /** Byte range of the footer (without its length and the closing PAR1). */
  footerAt: { start: number; end: number };
}

const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

class Reader {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}
  byte(): number {
    if (this.pos >= this.end) throw new Error('footer ends early');
    return this.b[this.pos++];
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const x = this.byte();
      v += (x & 0x7f) * scale;
      if (!(x & 0x80)) return v;
      scale *= 128;
    }
    throw new Error('varint too long');
  }
  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  skip(type: number, depth = 0): void {
    if (depth > 32) throw new Error('footer nests too deep');
    switch (type) {
      case T.TRUE:
      case T.FALSE:
      case T.BYTE:
        if (type === T.BYTE) this.byte();
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.varint();
        return;
      case T.DOUBLE:
        this.pos += 8;
        return;
      case T.BINARY: {
        // The length first: `this.pos += this.varint()` would add it to the position before the varint.
        const length = this.varint();
        this.pos += length;
        return;
      }
      case T.LIST:
      case T.SET: {
        const { size, element } = this.listHeader();
        for (let i = 0; i < size; i++) this.skip(element === T.TRUE || element === T.FALSE ? T.BYTE : element, depth + 1);
        return;
      }
      case T.MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4, depth + 1);
          this.skip(kv & 15, depth + 1);
        }
        return;
      }
      case T.STRUCT:
        this.struct(() => false, depth + 1);
        return;
      default:
        throw new Error(`unknown thrift type ${type}`);
    }
  }
  listHeader(): { size: number; element: number } {
    const h = this.byte();
    const size = h >> 4 === 15 ? this.varint() : h >> 4;
    if (size > this.end - this.pos) throw new Error('list longer than the footer');
    return { size, element: h & 15 };
  }
  /** Walks a struct's fields; `visit` reads a field itself (returns true) or leaves it to be skipped. */
  struct(visit: (id: number, type: number) => boolean, depth = 0): void {
    let id = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return;
      const delta = h >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      if (!visit(id, h & 15)) this.skip(h & 15, depth);
    }
  }
}

/** The footer's row counts; null when the bytes do not end like a parquet file (the decoder then says why). */
export function readParquetFooter(bytes: Uint8Array): ParquetFooter | null {
  const n = bytes.length;
  if (n < 12 || String.fromCharCode(...bytes.subarray(n - 4)) !== 'PAR1') return null;
  const length = bytes[n - 8] | (bytes[n - 7] << 8) | (bytes[n - 6] << 16) | (bytes[n - 5] << 24);
  const start = n - 8 - length;
  if (length <= 0 || start < 4) return null;
  const r = new Reader(bytes, start, n - 8);
  let numRows = -1;
  let numRowsAt = { start: 0, end: 0 };
  const rowGroupRows: number[] = [];
  let columns = 0;
  try {
    r.struct((id, type) => {
      if (id === 2 && type === T.LIST) {
        const { size, element } = r.listHeader();
        for (let i = 0; i < size; i++) r.skip(element);
        columns = Math.max(0, size - 1);
        return true;
      }
      if (id === 3 && type === T.I64) {
        const at = r.pos;
        numRows = r.zigzag();
        numRowsAt = { start: at, end: r.pos };
        return true;
      }
      if (id === 4 && type === T.LIST) {
        const { size } = r.listHeader();
        for (let g = 0; g < size; g++) {
          let rows = -1;
          r.struct((gid, gtype) => (gid === 3 && gtype === T.I64 ? ((rows = r.zigzag()), true) : false));
          rowGroupRows.push(rows);
        }
        return true;
      }
      return false;
    });
  } catch {
    return null;
  }
  return numRows < 0 ? null : { numRows, rowGroupRows, columns, numRowsAt, footerAt: { start, end: n - 8 } };
}
