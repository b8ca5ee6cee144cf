/**
 * The page as a PNG or PDF file: the traces' canvas (axes, labels, calibration bar, caliper and
 * all) under its caption, on the theme's background — the canvas itself is transparent, the page
 * showing through — saved by the browser's download (a save dialog in the app).
 */
import { imagePdf } from '../../../src-main/core/image-pdf';
import { themeColour } from './theme';

const LINE_PX = 20;

function compose(traces: HTMLCanvasElement, caption: string[]): HTMLCanvasElement {
  const scale = devicePixelRatio;
  const top = Math.round((caption.length * LINE_PX + 12) * scale);
  const out = document.createElement('canvas');
  out.width = traces.width;
  out.height = traces.height + top;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = themeColour('--bg');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = themeColour('--text');
  ctx.font = `${Math.round(14 * scale)}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  caption.forEach((line, i) => ctx.fillText(line, 10 * scale, (8 + i * LINE_PX) * scale));
  ctx.drawImage(traces, 0, top);
  return out;
}

export function pagePng(traces: HTMLCanvasElement, caption: string[]): Promise<Blob> {
  const out = compose(traces, caption);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the page could not be made into a PNG'))), 'image/png'));
}

/** The same picture as a one-page PDF, its pixels deflated by the browser's own zlib. */
export async function pagePdf(traces: HTMLCanvasElement, caption: string[]): Promise<Blob> {
  const out = compose(traces, caption);
  const rgba = out.getContext('2d')!.getImageData(0, 0, out.width, out.height).data;
  const rgb = new Uint8Array(out.width * out.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) rgb.set(rgba.subarray(i, i + 3), j);
  const flateRgb = new Uint8Array(await new Response(new Blob([rgb]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  return new Blob([imagePdf({ width: out.width, height: out.height, flateRgb })], { type: 'application/pdf' });
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download has taken its copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
