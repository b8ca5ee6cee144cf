/**
 * The report's pictures as inline SVG: self-contained, sharp at any zoom, no browser or canvas
 * needed to draw them headless. Class colours match the app's.
 */
import { CLASS_COLOURS } from '../../core/class-colours';
import { CLASSES } from '../../core/eeg';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (v: number) => (Number.isInteger(v) || Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));

export interface Series {
  name: string;
  colour: string;
  points: [number, number][];
  dashed?: boolean;
}

/** Lines over a shared x axis, with a legend; horizontal reference lines are series of two points. */
export function lineChart(series: readonly Series[], { width = 640, height = 300, xLabel = '', yLabel = '' } = {}): string {
  const m = { left: 52, right: 150, top: 12, bottom: 40 };
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (!all.length) return '';
  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [0, Math.max(...all.map((p) => p[1])) * 1.05];
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const X = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * w;
  const Y = (y: number) => m.top + h - ((y - y0) / (y1 - y0 || 1)) * h;
  const ticks = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4);
  const lines = series
    .map((s) => {
      const d = s.points
        .filter(([, y]) => Number.isFinite(y))
        .map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<g transform="translate(${width - m.right + 12},${m.top + 8 + i * 18})"><line x2="18" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="24" y="4">${esc(s.name)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui,sans-serif" font-size="12">
${ticks.map((t) => `<line x1="${m.left}" x2="${m.left + w}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e3e6ea"/><text x="${m.left - 6}" y="${Y(t) + 4}" text-anchor="end">${fmt(t)}</text>`).join('')}
<text x="${m.left + w / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(14,${m.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
<text x="${m.left}" y="${m.top + h + 16}" text-anchor="middle">${fmt(x0)}</text><text x="${m.left + w}" y="${m.top + h + 16}" text-anchor="middle">${fmt(x1)}</text>
${lines}${legend}</svg>`;
}

/** Counts as a heat map, rows = experts' consensus, columns = predicted. */
export function confusionChart(confusion: readonly (readonly number[])[], { cell = 46 } = {}): string {
  const left = 70;
  const top = 40;
  const most = Math.max(1, ...confusion.flat());
  const cells = confusion
    .map((row, r) =>
      row
        .map((n, c) => {
          const shade = n / most;
          const fill = `rgba(59,125,216,${(0.08 + 0.92 * shade).toFixed(3)})`;
          return `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell - 2}" height="${cell - 2}" fill="${n ? fill : '#f4f5f7'}"/><text x="${left + c * cell + cell / 2 - 1}" y="${top + r * cell + cell / 2 + 4}" text-anchor="middle" fill="${shade > 0.5 ? '#fff' : '#1b1f24'}">${n}</text>`;
        })
        .join(''),
    )
    .join('');
  const size = CLASSES.length * cell;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + size + 10}" height="${top + size + 30}" font-family="system-ui,sans-serif" font-size="12">
${CLASSES.map((c, i) => `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${c}</text><text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${c}</text>`).join('')}
${cells}<text x="${left + size / 2}" y="${top + size + 22}" text-anchor="middle">predicted →  (rows: experts' consensus)</text></svg>`;
}

export interface TimelineBand {
  startSec: number;
  endSec: number;
  label: string;
}

/**
 * Stacked class probabilities along a recording (each point drawn over its stride), with an
 * optional band of known segments underneath (the truth of a stitched recording).
 */
export function timelineChart(
  points: readonly { startSec: number; probabilities: Record<string, number> }[],
  windowSec: number,
  bands: readonly TimelineBand[] = [],
  { width = 900, height = 220 } = {},
): string {
  if (!points.length) return '';
  const m = { left: 44, right: 110, top: 10, bottom: bands.length ? 64 : 36 };
  const centre = (p: { startSec: number }) => p.startSec + windowSec / 2;
  const t0 = Math.min(centre(points[0]), ...bands.map((b) => b.startSec));
  const t1 = Math.max(centre(points[points.length - 1]), ...bands.map((b) => b.endSec));
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const X = (t: number) => m.left + ((t - t0) / (t1 - t0 || 1)) * w;
  const half = points.length > 1 ? (centre(points[1]) - centre(points[0])) / 2 : windowSec / 2;
  const columns = points
    .map((p) => {
      let y = m.top + h;
      return CLASSES.map((c) => {
        const ph = p.probabilities[c] * h;
        y -= ph;
        return `<rect x="${X(centre(p) - half).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, X(centre(p) + half) - X(centre(p) - half)).toFixed(1)}" height="${ph.toFixed(1)}" fill="${CLASS_COLOURS[c]}"/>`;
      }).join('');
    })
    .join('');
  const bandY = m.top + h + 26;
  const bandRects = bands
    .map(
      (b) =>
        `<rect x="${X(b.startSec)}" y="${bandY}" width="${Math.max(1, X(b.endSec) - X(b.startSec) - 1)}" height="14" fill="${CLASS_COLOURS[b.label as keyof typeof CLASS_COLOURS] ?? '#ccc'}"/>`,
    )
    .join('');
  const legend = CLASSES.map(
    (c, i) =>
      `<g transform="translate(${width - m.right + 14},${m.top + 8 + i * 18})"><rect width="12" height="12" y="-9" fill="${CLASS_COLOURS[c]}"/><text x="18">${c}</text></g>`,
  ).join('');
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui,sans-serif" font-size="12">
${columns}${ticks.map((t) => `<text x="${X(t)}" y="${m.top + h + 15}" text-anchor="middle">${t.toFixed(0)} s</text>`).join('')}
${bands.length ? `<text x="${m.left - 6}" y="${bandY + 11}" text-anchor="end">truth</text>${bandRects}` : ''}
<text transform="translate(12,${m.top + h / 2}) rotate(-90)" text-anchor="middle">probability</text>${legend}</svg>`;
}
