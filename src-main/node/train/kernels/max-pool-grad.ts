/**
 * MaxPoolGrad for the wasm backend: each dy value goes to the first maximum of its window (the
 * `cpu` backend's rule), added up where windows overlap. Pooling along time in windows that tile
 * it (our models' maxPool1d) runs as generated SIMD code over the heap, four channels at a time
 * with no branches; the rest as one scalar pass. The stock kernel is slower and, in tfjs 4.22,
 * wrong for overlapping windows and 'same' padding (the tests catch it).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, type KernelConfig, type KernelFunc, MaxPoolGrad, type MaxPoolGradAttrs, type MaxPoolGradInputs, type TensorInfo } from '@tensorflow/tfjs';
import { assemble, type Code, I32, op, V128, type ValType } from './wasm-asm';
import { address, heap, type Shape4, wasmMemory } from './wasm-call';

type Tiles = (x: number, dy: number, dx: number, xEnd: number) => void;

// Parameters, then locals, of the generated function.
const X = 0,
  DY = 1,
  DX = 2,
  X_END = 3;
const CB = 4,
  AX = 5,
  AD = 6,
  M = 7,
  G = 8,
  TAKEN = 9,
  E = 10,
  WINDOW = 11;

/** Windows of `size` samples × `channels` from x to xEnd: dx = dy at each window's first maximum. */
function tilesFunction(size: number, channels: number): Uint8Array<ArrayBuffer> {
  const row = channels * 4;
  const body: Code[] = [op.loop, op.i32(0), op.set(CB), op.loop];
  body.push(op.get(X), op.get(CB), op.add, op.set(AX), op.get(DX), op.get(CB), op.add, op.set(AD));
  for (let i = 0; i < size; i++) body.push(op.get(AX), op.load(i * row), op.set(WINDOW + i));
  body.push(op.get(WINDOW));
  for (let i = 1; i < size; i++) body.push(op.get(WINDOW + i), op.fmax);
  body.push(op.set(M), op.get(DY), op.get(CB), op.add, op.load(0), op.set(G), op.zero, op.set(TAKEN));
  for (let i = 0; i < size; i++) {
    // The first lane equal to the maximum takes dy; later equal lanes are masked out by TAKEN.
    body.push(op.get(WINDOW + i), op.get(M), op.feq, op.get(TAKEN), op.andnot, op.set(E));
    if (i < size - 1) body.push(op.get(TAKEN), op.get(E), op.or, op.set(TAKEN));
    body.push(op.get(AD), op.get(G), op.get(E), op.and, op.store(i * row));
  }
  body.push(op.get(CB), op.i32(16), op.add, op.tee(CB), op.i32(row), op.ne, op.brIf(0), op.endLoop);
  body.push(op.get(DY), op.i32(row), op.add, op.set(DY), op.get(DX), op.i32(size * row), op.add, op.set(DX));
  body.push(op.get(X), op.i32(size * row), op.add, op.tee(X), op.get(X_END), op.ne, op.brIf(0), op.endLoop);
  const locals: ValType[] = [I32, I32, I32, ...new Array<ValType>(4 + size).fill(V128)];
  return assemble([{ name: 'tiles', params: 4, locals, body }]);
}

const compiled = new WeakMap<WebAssembly.Memory, Map<string, Tiles>>();

function tiles(memory: WebAssembly.Memory, size: number, channels: number): Tiles {
  let cache = compiled.get(memory);
  if (!cache) compiled.set(memory, (cache = new Map()));
  const key = `${size}x${channels}`;
  let fn = cache.get(key);
  if (!fn) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(tilesFunction(size, channels)), { env: { memory } });
    cache.set(key, (fn = instance.exports.tiles as Tiles));
  }
  return fn;
}

function maxPoolGrad(args: { inputs: MaxPoolGradInputs; backend: BackendWasm; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const input = inputs.input as TensorInfo;
  const dyInfo = inputs.dy as TensorInfo;
  const info = backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left, bottom, right } = info.padInfo;
  const out = backend.makeOutput(input.shape, 'float32');
  const alongTime = fh === 1 && sh === 1 && sw === fw && top + left + bottom + right === 0 && c % 4 === 0;
  if (alongTime) {
    const fn = tiles(wasmMemory(backend), fw, c);
    const [x, dy, dx] = [address(backend, input), address(backend, dyInfo), address(backend, out)];
    const rowIn = inWidth * c * 4;
    const used = outWidth * fw * c * 4;
    const dxHeap = heap(backend, out);
    for (let r = 0; r < batchSize * inHeight; r++) {
      if (outWidth) fn(x + r * rowIn, dy + r * outWidth * c * 4, dx + r * rowIn, x + r * rowIn + used);
      dxHeap.fill(0, (r * rowIn + used) / 4, ((r + 1) * rowIn) / 4);
    }
    return out;
  }
  const x = heap(backend, input);
  const dy = heap(backend, dyInfo);
  const dx = heap(backend, out);
  dx.fill(0);
  const rowStride = inWidth * c;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * sh - top);
      const h1 = Math.min(inHeight, oh * sh - top + fh);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * sw - left);
        const w1 = Math.min(inWidth, ow * sw - left + fw);
        const corner = b * inHeight * rowStride + h0 * rowStride + w0 * c;
        for (let ch = 0; ch < c; ch++, o++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let i = 0, row = corner + ch; i < h1 - h0; i++, row += rowStride) {
            for (let k = row, end = row + (w1 - w0) * c; k < end; k += c) {
              if (x[k] > best) {
                best = x[k];
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] += dy[o];
        }
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
