/**
 * Conv1d — tfjs runs it as Conv2D with H = 1 — forward and both gradients as generated gemm calls
 * over the tensors where they lie in the wasm heap, NWC order throughout, one call per example.
 * In NWC a window of k samples × Ci channels is contiguous, so the (zero-padded) input is its own
 * im2col matrix: row w starts at w·stride·Ci. Shapes gemm cannot take (channel counts that are
 * not multiples of 4, 2-D, dilation) return null and the caller keeps its other path.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import { type Epilogue, gemm, gemmSupported } from './gemm';
import { address, free, wasmMemory } from './wasm-call';

export interface Conv1d {
  batch: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padLeft: number;
  padRight: number;
  outWidth: number;
}

export function conv1dOf(info: backend_util.Conv2DInfo): Conv1d | null {
  const oneRow = info.inHeight === 1 && info.filterHeight === 1 && info.outHeight === 1 && info.padInfo.top === 0 && info.padInfo.bottom === 0;
  if (!oneRow || info.dataFormat !== 'channelsLast' || info.dilationWidth !== 1 || info.dilationHeight !== 1) return null;
  return {
    batch: info.batchSize,
    width: info.inWidth,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    kernel: info.filterWidth,
    stride: info.strideWidth,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
    outWidth: info.outWidth,
  };
}

/** [batch, width, channels] with `left` and `right` zero rows added to each example, or x itself. */
function padded(backend: BackendWasm, x: TensorInfo, batch: number, width: number, channels: number, left: number, right: number): TensorInfo {
  if (left === 0 && right === 0) return x;
  const total = width + left + right;
  const out = backend.makeOutput([batch, total, channels], 'float32');
  const heap = new Float32Array(wasmMemory(backend).buffer);
  const from = address(backend, x) / 4;
  const to = address(backend, out) / 4;
  for (let b = 0; b < batch; b++) {
    const row = to + b * total * channels;
    heap.fill(0, row, row + left * channels);
    heap.copyWithin(row + left * channels, from + b * width * channels, from + (b + 1) * width * channels);
    heap.fill(0, row + (left + width) * channels, row + total * channels);
  }
  return out;
}

/** y = x ⊛ filter (+ bias, then ReLU when asked): x [B,1,W,Ci], filter [1,k,Ci,Co] → [B,1,Wo,Co]. */
export function conv1dForward(backend: BackendWasm, c: Conv1d, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, relu: boolean): TensorInfo | null {
  if (!gemmSupported(c.outChannels) || (relu && !bias)) return null;
  const epilogue: Epilogue = bias ? (relu ? 'biasRelu' : 'bias') : 'set';
  const product = gemm(wasmMemory(backend), {
    k: c.kernel * c.inChannels,
    n: c.outChannels,
    aRow: c.stride * c.inChannels,
    aK: 1,
    bK: c.outChannels,
    cRow: c.outChannels,
    epilogue,
  });
  const out = backend.makeOutput([c.batch, 1, c.outWidth, c.outChannels], 'float32');
  const xp = padded(backend, x, c.batch, c.width, c.inChannels, c.padLeft, c.padRight);
  const xAt = address(backend, xp);
  const exampleIn = (c.width + c.padLeft + c.padRight) * c.inChannels * 4;
  const exampleOut = c.outWidth * c.outChannels * 4;
  const [w, o, b] = [address(backend, filter), address(backend, out), bias ? address(backend, bias) : 0];
  for (let n = 0; n < c.batch; n++) product(xAt + n * exampleIn, w, o + n * exampleOut, c.outWidth, b);
  if (xp !== x) free(backend, xp);
  return out;
}

/** Output positions per filter-gradient gemm call: the slices of x and dy it reads stay in L1. */
const FILTER_GRAD_CHUNK = 128;

/**
 * dW[t,ci,co] = Σ_b Σ_w xpad[b, w·s + t, ci] · dy[b, w, co]: rows are the k·Ci filter taps, read
 * from the padded input with a stride of s·Ci along the reduction. The reduction runs in chunks of
 * output positions, each adding into dW, so that both operands come from L1 (15–20% faster).
 */
export function conv1dFilterGrad(backend: BackendWasm, c: Conv1d, x: TensorInfo, dy: TensorInfo): TensorInfo | null {
  if (!gemmSupported(c.outChannels)) return null;
  const memory = wasmMemory(backend);
  const plan = (k: number, epilogue: Epilogue) => gemm(memory, { k, n: c.outChannels, aRow: 1, aK: c.stride * c.inChannels, bK: c.outChannels, cRow: c.outChannels, epilogue });
  const chunk = Math.min(FILTER_GRAD_CHUNK, c.outWidth);
  const [first, add, addLast] = [plan(chunk, 'set'), plan(chunk, 'add'), plan(c.outWidth % chunk || chunk, 'add')];
  const out = backend.makeOutput([1, c.kernel, c.inChannels, c.outChannels], 'float32');
  const xp = padded(backend, x, c.batch, c.width, c.inChannels, c.padLeft, c.padRight);
  const exampleIn = (c.width + c.padLeft + c.padRight) * c.inChannels * 4;
  const exampleDy = c.outWidth * c.outChannels * 4;
  const [xAt, dyAt, o] = [address(backend, xp), address(backend, dy), address(backend, out)];
  for (let n = 0; n < c.batch; n++) {
    for (let w = 0; w < c.outWidth; w += chunk) {
      const product = w + chunk > c.outWidth ? addLast : n === 0 && w === 0 ? first : add;
      product(xAt + n * exampleIn + w * c.stride * c.inChannels * 4, dyAt + n * exampleDy + w * c.outChannels * 4, o, c.kernel * c.inChannels);
    }
  }
  if (xp !== x) free(backend, xp);
  return out;
}

/**
 * dx[b,w,ci] = Σ_t' Σ_co dypad[b, w + t', co] · W[k−1−t', ci, co] for stride 1: dy padded by
 * k − 1 − pad on each side is again its own im2col matrix, against the flipped, transposed filter.
 */
export function conv1dInputGrad(backend: BackendWasm, c: Conv1d, dy: TensorInfo, filter: TensorInfo): TensorInfo | null {
  const left = c.kernel - 1 - c.padLeft;
  const right = c.kernel - 1 - c.padRight;
  if (c.stride !== 1 || !gemmSupported(c.inChannels) || left < 0 || right < 0) return null;
  const { kernel: k, inChannels: ci, outChannels: co } = c;
  const flipped = backend.makeOutput([k, co, ci], 'float32');
  const heap = new Float32Array(wasmMemory(backend).buffer);
  const from = address(backend, filter) / 4;
  const to = address(backend, flipped) / 4;
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < ci; i++) {
      for (let o = 0; o < co; o++) heap[to + ((k - 1 - t) * co + o) * ci + i] = heap[from + (t * ci + i) * co + o];
    }
  }
  const product = gemm(wasmMemory(backend), { k: k * co, n: ci, aRow: co, aK: 1, bK: ci, cRow: ci, epilogue: 'set' });
  const out = backend.makeOutput([c.batch, 1, c.width, ci], 'float32');
  const dyp = padded(backend, dy, c.batch, c.outWidth, co, left, right);
  const exampleDy = (c.outWidth + left + right) * co * 4;
  const exampleOut = c.width * ci * 4;
  const [dyAt, w, o] = [address(backend, dyp), address(backend, flipped), address(backend, out)];
  for (let n = 0; n < c.batch; n++) product(dyAt + n * exampleDy, w, o + n * exampleOut, c.width);
  free(backend, flipped);
  if (dyp !== dy) free(backend, dyp);
  return out;
}
