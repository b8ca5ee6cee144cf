/**
 * The page as a PNG file: the traces' canvas (axes, labels, calibration bar, caliper and all) under
 * its caption, on the theme's background — the canvas itself is transparent, the page showing
 * through — saved by the browser's download (a save dialog in the app).
 */
import { themeColour } from './theme';

const LINE_PX = 20;

export function pagePng(traces: HTMLCanvasElement, caption: string[]): Promise<Blob> {
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
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the page could not be made into a PNG'))), 'image/png'));
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  // The download has taken its copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
