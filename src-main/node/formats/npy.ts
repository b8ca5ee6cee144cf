/**
 * NumPy .npy files (format 1.0, little-endian float32, C order): what researchers load with
 * `np.load(path, mmap_mode='r')`, and what our cache stores, so both read without parsing.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../../core/eeg';
import { writeFileAtomic } from '../fs-atomic';

const MAGIC = '\x93NUMPY';

export function encodeNpyFloat32(rows: Float32Array[]): Uint8Array {
  const cols = rows[0]?.length ?? 0;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${cols}), }`;
  // The data must start on a 64-byte boundary; the header ends with a newline.
  const pad = 64 - ((MAGIC.length + 4 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const headerBytes = MAGIC.length + 4 + header.length;
  const out = new Uint8Array(headerBytes + rows.length * cols * 4);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Float32Array(out.buffer, headerBytes, rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    body.set(r, i * cols);
  });
  return out;
}

export async function writeNpyFloat32(path: string, rows: Float32Array[]): Promise<void> {
  await writeFileAtomic(path, encodeNpyFloat32(rows));
}

export interface NpyHeader {
  shape: number[];
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
  if (!/'descr':\s*'<f4'/.test(header)) throw new DataError(path, `only little-endian float32 .npy is supported (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) throw new DataError(path, 'Fortran-order .npy is not supported');
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) throw new DataError(path, 'no shape in the .npy header');
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { shape, dataOffset: start + headerLen };
}

/** Reads rows × columns [colStart, colEnd) of a 2-D float32 .npy without loading the rest. */
export async function readNpyFloat32Slice(path: string, colStart: number, colEnd: number): Promise<Float32Array[]> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(path, `cannot open (${err.code ?? err.message})`);
  });
  try {
    const head = new Uint8Array(4096);
    await fh.read(head, 0, head.length, 0);
    const { shape, dataOffset } = parseNpyHeader(head, path);
    if (shape.length !== 2) throw new DataError(path, `expected a 2-D array, got shape (${shape.join(', ')})`);
    const [rows, cols] = shape;
    if (colStart < 0 || colEnd > cols || colStart >= colEnd) {
      throw new DataError(path, `columns ${colStart}–${colEnd} are outside 0–${cols}`);
    }
    const out: Float32Array[] = [];
    for (let r = 0; r < rows; r++) {
      const row = new Float32Array(colEnd - colStart);
      const want = row.byteLength;
      const { bytesRead } = await fh.read(new Uint8Array(row.buffer), 0, want, dataOffset + (r * cols + colStart) * 4);
      if (bytesRead !== want) throw new DataError(path, 'the file is shorter than its header says');
      out.push(row);
    }
    return out;
  } finally {
    await fh.close();
  }
}
