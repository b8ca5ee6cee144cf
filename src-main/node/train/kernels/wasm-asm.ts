/**
 * Just enough of the WebAssembly binary format to emit our SIMD kernels at run time: one module
 * of functions over an imported memory (the tfjs wasm backend's heap, so kernels read and write
 * tensors in place). Generating code lets each kernel have its sizes and strides as constants.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

export type Code = number[];

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const simd = (opcode: number, ...rest: number[]): Code => [0xfd, ...uleb(opcode), ...rest];
/** memarg: alignment exponent, then the constant byte offset added to the address operand. */
const memarg = (align: number, offset: number): Code => [align, ...uleb(offset)];

export const op = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  tee: (local: number): Code => [0x22, ...uleb(local)],
  i32: (n: number): Code => [0x41, ...sleb(n | 0)],
  add: [0x6a],
  ne: [0x47],
  /** block + loop: `br_if 0` inside jumps back to the loop's start. */
  loop: [0x02, 0x40, 0x03, 0x40],
  endLoop: [0x0b, 0x0b],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  load: (offset: number): Code => simd(0x00, ...memarg(2, offset)),
  store: (offset: number): Code => simd(0x0b, ...memarg(2, offset)),
  splat: (offset: number): Code => simd(0x09, ...memarg(2, offset)),
  zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  feq: simd(0x41),
  fgt: simd(0x44),
  and: simd(0x4e),
  /** a & ~b */
  andnot: simd(0x4f),
  or: simd(0x50),
  fadd: simd(0xe4),
  /** Relaxed SIMD: a·b + c, one FMA instruction where the CPU has it. */
  fmadd: simd(0x105),
  fmul: simd(0xe6),
  fmax: simd(0xe9),
};

export interface FunctionCode {
  name: string;
  /** All parameters are i32 (addresses). */
  params: number;
  locals: ValType[];
  body: Code[];
}

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (s: string): Code => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, bytes: Code): Code => [id, ...uleb(bytes.length), ...bytes];

export function assemble(functions: FunctionCode[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(new Array<Code>(f.params).fill([I32])), 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x00];
  const code = functions.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

/** Whether this engine runs relaxed SIMD (V8 ships it from 11.4: Node ≥ 22, Electron ≥ 25). */
export function hasRelaxedSimd(): boolean {
  const probe = assemble([{ name: 'probe', params: 0, locals: [], body: [op.zero, op.zero, op.zero, op.fmadd, [0x1a]] }]);
  return WebAssembly.validate(probe);
}
