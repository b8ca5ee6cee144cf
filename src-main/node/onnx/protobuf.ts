/**
 * The few protobuf wire-format pieces ONNX files need: a writer (varints, length-delimited
 * fields, packed repeats) and a reader that walks fields. Hand-written because the subset is
 * small and a generated ONNX binding would be most of a megabyte.
 */

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

export interface ProtoField {
  field: number;
  wire: number;
  /** Varint value (wire 0). */
  value?: bigint;
  /** Payload (wire 2) or the 4/8 raw bytes (wire 5/1). */
  bytes?: Uint8Array;
}

/** Every field of one message, in order; throws on bytes that are not protobuf. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new Error('field number 0');
    if (wire === 0) fields.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const length = Number(varint());
      if (pos + length > buf.length) throw new Error('a field runs past the end');
      fields.push({ field, wire, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else if (wire === 5 || wire === 1) {
      const size = wire === 5 ? 4 : 8;
      if (pos + size > buf.length) throw new Error('a field runs past the end');
      fields.push({ field, wire, bytes: buf.subarray(pos, pos + size) });
      pos += size;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return fields;
}

export const text = (f: ProtoField | undefined): string => (f?.bytes ? new TextDecoder().decode(f.bytes) : '');
