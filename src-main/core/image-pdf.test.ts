import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imagePdf } from './image-pdf';

describe('a one-picture PDF', () => {
  it('places each object where its cross-reference says, and poppler reads it back as the picture', async () => {
    // 40×20: the left half red, the right half blue.
    const [width, height] = [40, 20];
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.set(i % width < width / 2 ? [255, 0, 0] : [0, 0, 255], i * 3);
    const pdf = imagePdf({ width, height, flateRgb: deflateSync(rgb) });
    const text = Buffer.from(pdf).toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(text.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));

    const dir = await mkdtemp(join(tmpdir(), 'hms-pdf-'));
    try {
      await writeFile(join(dir, 'page.pdf'), pdf);
      expect(execFileSync('pdfinfo', [join(dir, 'page.pdf')], { encoding: 'utf8' })).toMatch(/Page size:\s+842 x 595 pts/);
      execFileSync('pdftoppm', ['-r', '18', join(dir, 'page.pdf'), join(dir, 'page')]);
      const ppm = await readFile(join(dir, 'page-1.ppm'));
      const [, w, h] = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 20))!.map(Number);
      const header = ppm.length - w * h * 3;
      const pixel = (x: number, y: number) => [...ppm.subarray(header + (y * w + x) * 3, header + (y * w + x) * 3 + 3)];
      // The picture fills the page's width inside the margins, from the top margin down.
      expect(pixel(Math.round(w * 0.25), Math.round(h * 0.2))).toEqual([255, 0, 0]);
      expect(pixel(Math.round(w * 0.75), Math.round(h * 0.2))).toEqual([0, 0, 255]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
