import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Canvas, crc32 } from './png';

describe('PNG canvas', () => {
  it('computes the PNG CRC', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes a PNG whose pixels a standard decoder reads back', async () => {
    const canvas = new Canvas(20, 10, [0, 0, 0]);
    canvas.column(3, 2, 6, [255, 0, 0]);
    canvas.text(8, 1, 'LPD', [0, 255, 0], 1);
    const dir = await mkdtemp(join(tmpdir(), 'hms-png-'));
    const path = join(dir, 'x.png');
    await writeFile(path, canvas.toPng());
    // Decoded with Python's zlib and the PNG layout, independent of our encoder.
    const script = `
import struct, zlib, sys
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
w, h = struct.unpack('>II', b[16:24])
idat = b[b.index(b'IDAT') + 4:b.index(b'IEND') - 8]
raw = zlib.decompress(idat)
row = lambda y: raw[y * (w * 3 + 1) + 1:(y + 1) * (w * 3 + 1)]
print(w, h, tuple(row(4)[9:12]), tuple(row(0)[9:12]))`;
    const out = execFileSync('python3', ['-c', script, path]).toString().trim();
    expect(out).toBe('20 10 (255, 0, 0) (0, 0, 0)');
    await rm(dir, { recursive: true, force: true });
  });
});
