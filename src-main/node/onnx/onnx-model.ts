/**
 * Writing and reading the parts of ONNX's `ModelProto` we use (field numbers from onnx.proto):
 * a graph of nodes with float/int64 initializers, named inputs and outputs with shapes, the opset,
 * and `metadata_props`. Reading recovers what a session does not tell: the metadata and the
 * declared input and output shapes.
 */
import { type ProtoField, ProtoWriter, readFields, text } from './protobuf';

export const OPSET = 17;
const IR_VERSION = 8;
const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

export type AttributeValue = number | string | number[] | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** float32 values, or int64 values (given as numbers) when `int64` is set. */
  values: Float32Array | number[];
  int64?: boolean;
}

/** A dimension is a size, or a name for a size the model leaves open (the batch). */
export type Dim = number | string;

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: { name: string; dims: Dim[] }[];
  outputs: { name: string; dims: Dim[] }[];
}

function tensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packedInts(1, t.dims)
    .int(2, t.int64 ? INT64 : FLOAT)
    .string(8, t.name);
  if (t.int64) {
    const raw = new Uint8Array(t.values.length * 8);
    const view = new DataView(raw.buffer);
    t.values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    w.bytes(9, raw);
  } else {
    const f = t.values as Float32Array;
    w.bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  }
}

function valueInfo(w: ProtoWriter, { name, dims }: { name: string; dims: Dim[] }): void {
  w.string(1, name).message(2, (type) =>
    type.message(1, (t) =>
      t.int(1, FLOAT).message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

function attribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') w.string(4, value).int(20, ATTR.STRING);
  else if (Array.isArray(value)) w.packedInts(8, value).int(20, ATTR.INTS);
  else if (typeof value === 'object') w.float(2, value.float).int(20, ATTR.FLOAT);
  else w.int(3, value).int(20, ATTR.INT);
}

export function encodeModel(graph: OnnxGraph, metadata: Record<string, string>, producer: { name: string; version: string }): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION).string(2, producer.name).string(3, producer.version);
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => {
      g.message(1, (node) => {
        for (const input of n.inputs) node.string(1, input);
        for (const output of n.outputs) node.string(2, output);
        node.string(3, `${n.op}_${i}`).string(4, n.op);
        for (const [name, value] of Object.entries(n.attributes ?? {})) node.message(5, (a) => attribute(a, name, value));
      });
    });
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (m) => tensor(m, t));
    for (const i of graph.inputs) g.message(11, (m) => valueInfo(m, i));
    for (const o of graph.outputs) g.message(12, (m) => valueInfo(m, o));
  });
  w.message(8, (o) => o.string(1, '').int(2, OPSET));
  for (const [key, value] of Object.entries(metadata)) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}

export interface ModelOutline {
  opset: number;
  producer: string;
  metadata: Record<string, string>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: { name: string; dims: Dim[] }[];
  outputs: { name: string; dims: Dim[] }[];
}

const all = (fields: ProtoField[], n: number) => fields.filter((f) => f.field === n);
const first = (fields: ProtoField[], n: number) => fields.find((f) => f.field === n);

function dims(info: ProtoField): Dim[] {
  const tensorType = first(readFields(first(readFields(info.bytes!), 2)?.bytes ?? new Uint8Array()), 1);
  const shape = tensorType ? first(readFields(tensorType.bytes!), 2) : undefined;
  if (!shape) return [];
  return all(readFields(shape.bytes!), 1).map((d) => {
    const f = readFields(d.bytes!);
    const value = first(f, 1);
    return value?.value !== undefined ? Number(value.value) : text(first(f, 2)) || '?';
  });
}

/** Throws a plain Error (the caller names the file) when the bytes are not an ONNX model. */
export function outlineModel(bytes: Uint8Array): ModelOutline {
  const model = readFields(bytes);
  const graph = first(model, 7);
  if (!graph?.bytes || first(model, 1)?.value === undefined) throw new Error('it is not an ONNX model (no graph)');
  const g = readFields(graph.bytes);
  const initialised = new Set(all(g, 5).map((t) => text(first(readFields(t.bytes!), 8))));
  const io = (n: number) => all(g, n).map((f) => ({ name: text(first(readFields(f.bytes!), 1)), dims: dims(f) }));
  const opset = all(model, 8)
    .map((f) => readFields(f.bytes!))
    .find((f) => text(first(f, 1)) === '' || text(first(f, 1)) === 'ai.onnx');
  return {
    opset: Number(opset ? (first(opset, 2)?.value ?? 0n) : 0n),
    producer: text(first(model, 2)),
    metadata: Object.fromEntries(
      all(model, 14)
        .map((f) => readFields(f.bytes!))
        .map((f) => [text(first(f, 1)), text(first(f, 2))]),
    ),
    inputs: io(11).filter((i) => !initialised.has(i.name)),
    outputs: io(12),
  };
}
