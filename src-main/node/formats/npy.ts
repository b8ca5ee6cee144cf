/**
 * NumPy .npy files (format 1.0, little-endian float32 or float16, C order): what researchers load
 * with `np.load(path, mmap_mode='r')`, and what our cache stores, so both read without parsing.
 * Float16 halves a cache (core/float16.ts says what it costs); it is read back as float32.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../../core/eeg';
import { fromFloat16, toFloat16Bits } from '../../core/float16';
import { writeFileAtomic } from '../fs-atomic';

const MAGIC = '\x93NUMPY';

export type NpyDtype = 'float32' | 'float16';
const DESCR: Record<NpyDtype, string> = { float32: '<f4', float16: '<f2' };
export const NPY_BYTES: Record<NpyDtype, number> = { float32: 4, float16: 2 };

export function encodeNpyFloat32(rows: Float32Array[]): Uint8Array {
  return encodeNpy(rows, 'float32');
}

/** Rows of equal length as a 2-D .npy of `dtype`. */
export function encodeNpy(rows: Float32Array[], dtype: NpyDtype): Uint8Array {
  const cols = rows[0]?.length ?? 0;
  const header = npyHeader(rows.length, cols, dtype);
  const out = new Uint8Array(header.length + rows.length * cols * NPY_BYTES[dtype]);
  out.set(header);
  const body = dtype === 'float32' ? new Float32Array(out.buffer, header.length, rows.length * cols) : new Uint16Array(out.buffer, header.length, rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    if (body instanceof Float32Array) body.set(r, i * cols);
    else for (let j = 0; j < cols; j++) body[i * cols + j] = toFloat16Bits(r[j]);
  });
  return out;
}

/**
 * A 2-D float32 .npy laid out in `bytes` (taken from `buffer`, which may hand out the same memory
 * again), and its rows as views into it: filled in place, it is written without a copy.
 */
export function float32NpyRows(rowCount: number, cols: number, buffer: (bytes: number) => Uint8Array): { bytes: Uint8Array; rows: Float32Array[] } {
  const header = npyHeader(rowCount, cols, 'float32');
  const bytes = buffer(header.length + rowCount * cols * 4);
  bytes.set(header);
  // The header's length is a multiple of 64, so the rows are aligned wherever `bytes` is.
  const rows = Array.from({ length: rowCount }, (_, r) => new Float32Array(bytes.buffer, bytes.byteOffset + header.length + r * cols * 4, cols));
  return { bytes, rows };
}

/** The magic, version and header of a 2-D .npy, padded so the data starts on a 64-byte boundary. */
function npyHeader(rowCount: number, cols: number, dtype: NpyDtype): Uint8Array {
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${rowCount}, ${cols}), }`;
  // The data must start on a 64-byte boundary; the header ends with a newline.
  const pad = 64 - ((MAGIC.length + 4 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + header.length);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

export async function writeNpyFloat32(path: string, rows: Float32Array[]): Promise<void> {
  await writeFileAtomic(path, encodeNpyFloat32(rows));
}

export interface NpyHeader {
  shape: number[];
  dtype: NpyDtype;
  dataOffset: number;
}

export function parseNpyHeader(bytes: Uint8Array, path: string): NpyHeader {
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic !== MAGIC) throw new DataError(path, 'not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLen) throw new DataError(path, 'truncated .npy header');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((d) => DESCR[d] === descr);
  if (!dtype) throw new DataError(path, `only little-endian float32 or float16 .npy is supported (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) throw new DataError(path, 'Fortran-order .npy is not supported');
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) throw new DataError(path, 'no shape in the .npy header');
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { shape, dtype, dataOffset: start + headerLen };
}

/** Reads rows × columns [colStart, colEnd) of a 2-D float32 or float16 .npy, as float32, without loading the rest. */
export async function readNpyFloat32Slice(path: string, colStart: number, colEnd: number): Promise<Float32Array[]> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(path, `cannot open (${err.code ?? err.message})`);
  });
  try {
    const head = new Uint8Array(4096);
    await fh.read(head, 0, head.length, 0);
    const { shape, dtype, dataOffset } = parseNpyHeader(head, path);
    if (shape.length !== 2) throw new DataError(path, `expected a 2-D array, got shape (${shape.join(', ')})`);
    const [rows, cols] = shape;
    if (colStart < 0 || colEnd > cols || colStart >= colEnd) {
      throw new DataError(path, `columns ${colStart}–${colEnd} are outside 0–${cols}`);
    }
    const out: Float32Array[] = [];
    const size = NPY_BYTES[dtype];
    for (let r = 0; r < rows; r++) {
      const raw = new Uint8Array((colEnd - colStart) * size);
      const { bytesRead } = await fh.read(raw, 0, raw.length, dataOffset + (r * cols + colStart) * size);
      if (bytesRead !== raw.length) throw new DataError(path, 'the file is shorter than its header says');
      out.push(npyValues(raw, dtype));
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Little-endian samples of `dtype` as float32 values. */
export function npyValues(raw: Uint8Array, dtype: NpyDtype): Float32Array {
  const aligned = raw.byteOffset % NPY_BYTES[dtype] === 0 ? raw : raw.slice();
  if (dtype === 'float32') return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  return fromFloat16(new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2));
}
