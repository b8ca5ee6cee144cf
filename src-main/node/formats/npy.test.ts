import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, encodeNpyFloat32, parseNpyHeader, readNpyFloat32Slice, writeNpyFloat32 } from './npy';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-npy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rows = [Float32Array.from([1.5, -2, 3, 4, 5]), Float32Array.from([6, 7, 8.25, 9, -10])];

describe('.npy float32', () => {
  it('is what numpy memory-maps: shape, dtype and values', async () => {
    const path = join(dir, 'a.npy');
    await writeNpyFloat32(path, rows);
    const out = execFileSync('python3', ['-c', `import numpy as np; a = np.load("${path}", mmap_mode="r"); print(a.dtype, a.shape, a[1, 2], a[0, 1])`])
      .toString()
      .trim();
    expect(out).toBe('float32 (2, 5) 8.25 -2.0');
  });

  it('aligns the data to 64 bytes and reads column slices back', async () => {
    const bytes = encodeNpyFloat32(rows);
    const { shape, dataOffset } = parseNpyHeader(bytes, 'mem');
    expect(shape).toEqual([2, 5]);
    expect(dataOffset % 64).toBe(0);
    const path = join(dir, 'b.npy');
    await writeNpyFloat32(path, rows);
    const slice = await readNpyFloat32Slice(path, 1, 4);
    expect(slice.map((r) => Array.from(r))).toEqual([
      [-2, 3, 4],
      [7, 8.25, 9],
    ]);
    await expect(readNpyFloat32Slice(path, 3, 9)).rejects.toThrow('columns 3–9 are outside 0–5');
  });

  it('is written as float16 when asked: numpy reads the same rounded values, and so do we, as float32', async () => {
    const path = join(dir, 'h.npy');
    const values = [Float32Array.from([1.5, -2, 1000.3, 0.1, 65504]), Float32Array.from([6, 7, 8.25, -1e-3, 70000])];
    await writeFile(path, encodeNpy(values, 'float16'));
    const out = execFileSync('python3', ['-c', `import numpy as np; a = np.load("${path}", mmap_mode="r"); print(a.dtype, a.shape, ' '.join(repr(float(v)) for v in a.ravel()))`])
      .toString()
      .trim()
      .split(' ');
    expect(out.slice(0, 3)).toEqual(['float16', '(2,', '5)']);
    const numpyValues = out.slice(3).map((v) => (v === 'inf' ? Infinity : Number(v)));
    const ours = (await readNpyFloat32Slice(path, 0, 5)).flatMap((r) => Array.from(r));
    expect(ours).toEqual(numpyValues);
    // Half-floats near 1000 are 0.5 apart; past 65504 there is only infinity.
    expect(ours.slice(0, 3)).toEqual([1.5, -2, 1000.5]);
    expect(ours[9]).toBe(Infinity);
    expect(parseNpyHeader(new Uint8Array(await readFile(path)), path).dtype).toBe('float16');
  });

  it('rejects files that are not float32 .npy, naming them', async () => {
    const path = join(dir, 'c.npy');
    await writeFile(path, 'hello world');
    await expect(readNpyFloat32Slice(path, 0, 1)).rejects.toThrow(`${path}: not a .npy file`);
    const truncated = join(dir, 'd.npy');
    await writeFile(truncated, (await readFile(join(dir, 'b.npy'))).subarray(0, 100));
    await expect(readNpyFloat32Slice(truncated, 0, 5)).rejects.toThrow('shorter than its header says');
  });
});
