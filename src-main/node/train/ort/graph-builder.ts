/**
 * A small builder for ONNX graphs written op by op: fresh value names, cached int64 and float
 * constants, and the handful of ops whose opset-17 spellings are awkward (Slice, Pad, Reshape,
 * ReduceSum take their axes and sizes as tensor inputs there). The training-graph compiler writes
 * through it; `encodeModel` (node/onnx) turns the result into bytes.
 */
import { type AttributeValue, type Dim, encodeModel, type OnnxNode, type OnnxTensor } from '../../onnx/onnx-model';

export type Upsampling = 'matmul' | 'resize';

export interface ValueInfo {
  name: string;
  dims: Dim[];
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;
  private readonly constants = new Map<string, string>();

  /** How `upsampleLast` repeats values: see there. */
  constructor(readonly upsampling: Upsampling = 'matmul') {}

  /** One node; returns its (first) output's name. */
  op(op: string, inputs: string[], attributes?: Record<string, AttributeValue>, outputs = [`${op.toLowerCase()}_${this.counter++}`]): string {
    this.nodes.push({ op, inputs, outputs, ...(attributes ? { attributes } : {}) });
    return outputs[0];
  }

  input(name: string, dims: Dim[]): string {
    this.inputs.push({ name, dims });
    return name;
  }

  /** Declares `value` a graph output under `name`. */
  output(value: string, name: string, dims: Dim[]): void {
    this.op('Identity', [value], undefined, [name]);
    this.outputs.push({ name, dims });
  }

  /** A 1-D int64 constant (shapes, axes, pads), made once per distinct value. */
  ints(values: readonly number[]): string {
    return this.constant(`i[${values.join(',')}]`, () => ({ dims: [values.length], values: [...values], int64: true }));
  }

  /** A float32 constant of any shape, made once per distinct value. */
  floats(dims: number[], values: Float32Array): string {
    return this.constant(`f${dims.join('x')}[${values.join(',')}]`, () => ({ dims, values }));
  }

  scalar(value: number): string {
    return this.floats([], Float32Array.of(value));
  }

  private constant(key: string, make: () => Omit<OnnxTensor, 'name'>): string {
    let name = this.constants.get(key);
    if (!name) {
      name = `const_${this.constants.size}`;
      this.initializers.push({ name, ...make() });
      this.constants.set(key, name);
    }
    return name;
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }

  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }

  transpose(x: string, perm: number[]): string {
    return this.op('Transpose', [x], { perm });
  }

  /** 0 keeps that dimension of x, −1 takes what is left. */
  reshape(x: string, shape: number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }

  unsqueeze(x: string, axes: number[]): string {
    return this.op('Unsqueeze', [x, this.ints(axes)]);
  }

  slice(x: string, axis: number, start: number, end: number, step = 1): string {
    return this.op('Slice', [x, this.ints([start]), this.ints([end]), this.ints([axis]), this.ints([step])]);
  }

  /** Zeros before and after on the last axis of a rank-`rank` tensor; x itself when there are none. */
  padLast(x: string, rank: number, before: number, after: number): string {
    if (!before && !after) return x;
    const pads = new Array<number>(2 * rank).fill(0);
    pads[rank - 1] = before;
    pads[2 * rank - 1] = after;
    return this.op('Pad', [x, this.ints(pads)]);
  }

  reduceSum(x: string, axes: number[], keepdims = 0): string {
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims });
  }

  reduceMean(x: string, axes: number[], keepdims = 0): string {
    return this.op('ReduceMean', [x], { axes, keepdims });
  }

  /** 1 where a > b, else 0, as floats: a mask by Greater → Cast (cheaper in ORT than Where). */
  greaterMask(a: string, b: string): string {
    return this.op('Cast', [this.op('Greater', [a, b])], { to: 1 });
  }

  /**
   * Repeats every element of the last axis of a rank-3 x `times` times, times `value`. On the CPU
   * an exact product with a row of `value`s, the fastest way there (Resize nearest is slower); GPU
   * providers may run MatMul in TF32 or fp16, which would round the values, so there `Resize`.
   */
  upsampleLast(x: string, times: number, value = 1): string {
    if (this.upsampling === 'resize') {
      const up = this.op('Resize', [x, '', this.floats([3], Float32Array.of(1, 1, times))], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      return value === 1 ? up : this.mul(up, this.scalar(value));
    }
    const row = this.floats([1, times], new Float32Array(times).fill(value));
    return this.reshape(this.op('MatMul', [this.unsqueeze(x, [-1]), row]), [0, 0, -1]);
  }

  encode(name: string): Uint8Array {
    const graph = { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
    return encodeModel(graph, {}, { name: 'HMS Studio training graph', version: '1' });
  }
}
