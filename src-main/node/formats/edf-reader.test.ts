import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEdf } from './edf-write';
import { parseEdf, type ReadEdfOptions } from './edf';
import { EdfReader } from './edf-reader';
import { discontinuous, toBdf } from '../hostile/edf-bytes';
import { edfRecording } from '../hostile/shared';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-edf-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Ranges from the start, across record boundaries, of one sample, to the end, and past it. */
function ranges(total: number): [number, number][] {
  const out: [number, number][] = [
    [0, total],
    [0, 1],
    [total - 1, total],
    [0, 37],
    [total - 333, total + 50],
  ];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 12; i++) {
    const a = Math.floor(random() * total);
    out.push([a, Math.min(total, a + 1 + Math.floor(random() * 700))]);
  }
  return out;
}

/** Equal bit for bit (NaN included); far quicker than a deep equality over thousands of samples. */
const sameBits = (x: Float32Array, y: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));

/** Every range read record-wise equals the same samples of the whole-file read, NaN included. */
async function expectSameAsWhole(path: string, opts: ReadEdfOptions = {}) {
  const whole = parseEdf(new Uint8Array(await readFile(path)), path, { onWarning: () => {}, ...opts });
  const reader = await EdfReader.open(path, { onWarning: () => {}, ...opts });
  try {
    expect(reader.samples).toBe(whole.data[0].length);
    expect([reader.channels, reader.units, reader.annotations, reader.format, reader.startTime]).toEqual([
      whole.channels,
      whole.units,
      whole.annotations,
      whole.source.format,
      whole.source.startTime,
    ]);
    for (const [a, b] of ranges(reader.samples)) {
      const part = reader.read(a, b);
      part.forEach((ch, c) => expect(sameBits(ch, whole.data[c].subarray(a, Math.min(b, reader.samples))), `channel ${c}, samples ${a}–${b}`).toBe(true));
    }
  } finally {
    reader.close();
  }
}

describe('EdfReader: reading by data records', () => {
  it('equals the whole-file read on the EDFlib fixtures, resampled and at the native rate', async () => {
    for (const name of ['clinical-256hz.edf', 'clinical-256hz.bdf', 'mixed-rates.edf']) await expectSameAsWhole(fixture(name));
    await expectSameAsWhole(fixture('clinical-256hz.edf'), { targetRateHz: null });
    await expectSameAsWhole(fixture('mixed-rates.edf'), { targetRateHz: 256 });
  });

  it('equals the whole-file read on a written multi-record EDF+C, BDF+C and EDF+D with gaps', async () => {
    const bytes = encodeEdf(edfRecording(95, 256));
    const files: [string, Uint8Array][] = [
      ['c.edf', bytes],
      ['c.bdf', toBdf(bytes)],
      ['d.edf', discontinuous(bytes, (r) => (r < 30 ? r : r < 60 ? r + 4.5 : r + 100))],
    ];
    for (const [name, b] of files) {
      await writeFile(join(dir, name), b);
      await expectSameAsWhole(join(dir, name));
    }
    const reader = await EdfReader.open(join(dir, 'd.edf'));
    expect(reader.segments).toEqual([
      [0, 6000],
      [6900, 12900],
      [32000, 39000],
    ]);
    reader.close();
  });

  it('opens an EDF+D whose records leave a 74-hour gap without allocating it, and reads the gap as NaN', async () => {
    const path = join(dir, 'gap.edf');
    await writeFile(
      path,
      discontinuous(encodeEdf(edfRecording(60, 200)), (r) => (r < 30 ? r : r + 74 * 3600)),
    );
    const heap = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const reader = await EdfReader.open(path);
    expect(reader.samples).toBe((60 + 74 * 3600) * 200);
    expect(reader.segments).toEqual([
      [0, 6000],
      [(30 + 74 * 3600) * 200, (60 + 74 * 3600) * 200],
    ]);
    const inGap = reader.read(40 * 3600 * 200, 40 * 3600 * 200 + 2000);
    expect(inGap[0].every(Number.isNaN)).toBe(true);
    const after = reader.read(reader.samples - 200, reader.samples);
    expect(after[0].some(Number.isNaN)).toBe(false);
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap;
    expect(grown).toBeLessThan(50 * 2 ** 20);
    reader.close();
  });

  it('says which file is cut inside a record, in one line', async () => {
    const path = join(dir, 'cut.edf');
    const bytes = encodeEdf(edfRecording(10, 200));
    await writeFile(path, bytes.subarray(0, 256 * 22 + 100));
    await expect(EdfReader.open(path)).rejects.toThrow(`${path}: no complete data record: 100 bytes after the header`);
    const recordBytes = (bytes.length - 256 * 22) / 10;
    await writeFile(path, bytes.subarray(0, bytes.length - 1.5 * recordBytes));
    const warnings: string[] = [];
    const reader = await EdfReader.open(path, { onWarning: (w) => warnings.push(w.message) });
    expect(warnings).toEqual([`${path}: the header declares 10 data records but the file holds only 8 (truncated?); reading 8`]);
    expect(reader.samples).toBe(8 * 200);
    reader.close();
  });
});
