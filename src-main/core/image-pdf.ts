/**
 * A one-page PDF holding one picture, landscape A4, written by hand: enough for an EEG page to be
 * printed or filed as PDF from any door (the app, a browser) without a PDF library or a print
 * dialog. The picture arrives as 8-bit RGB already deflated (zlib), as PDF's FlateDecode wants it.
 */

export interface PdfImage {
  width: number;
  height: number;
  /** width × height × 3 bytes of RGB, row by row from the top, zlib-compressed. */
  flateRgb: Uint8Array;
}

/** A4 landscape in points, and the margin kept around the picture. */
const PAGE = { width: 842, height: 595, margin: 24 };

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

export function imagePdf(image: PdfImage): Uint8Array<ArrayBuffer> {
  const scale = Math.min((PAGE.width - 2 * PAGE.margin) / image.width, (PAGE.height - 2 * PAGE.margin) / image.height);
  const [w, h] = [image.width * scale, image.height * scale];
  const draw = `q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} ${((PAGE.width - w) / 2).toFixed(2)} ${(PAGE.height - h - PAGE.margin).toFixed(2)} cm /Im1 Do Q`;
  const objects: (string | [string, Uint8Array])[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>`,
    [
      `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${image.flateRgb.length} >>`,
      image.flateRgb,
    ],
    [`<< /Length ${draw.length} >>`, latin1(draw)],
  ];
  const chunks: Uint8Array[] = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  let at = chunks[0].length;
  const offsets: number[] = [];
  const push = (c: Uint8Array) => {
    chunks.push(c);
    at += c.length;
  };
  objects.forEach((o, i) => {
    offsets.push(at);
    if (typeof o === 'string') push(latin1(`${i + 1} 0 obj\n${o}\nendobj\n`));
    else {
      push(latin1(`${i + 1} 0 obj\n${o[0]}\nstream\n`));
      push(o[1]);
      push(latin1('\nendstream\nendobj\n'));
    }
  });
  const xref = at;
  push(latin1(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`));
  push(latin1(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  const out = new Uint8Array(at);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
