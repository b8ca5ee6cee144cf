/**
 * What EegTraces draws over and under the traces on uPlot's canvas: the experts' 10 s, the
 * stretches without data and the interpolated spans behind them; annotations, the calibration bar and the caliper on top. Canvas
 * pixels are device pixels, so lengths in CSS pixels are scaled by devicePixelRatio.
 */
import type uPlot from 'uplot';
import { themeColour } from './theme';
import { calibrationBar, caliperText, formatUv, type TracePoint } from '../../../src-main/core/trace-math';

/** CSS pixels per mm, as the sensitivity (µV/mm) is meant on a screen. */
export const PX_PER_MM = 96 / 25.4;

/** The x pixels of [fromSec, toSec] within the plot, or null when none of it is. */
function span(u: uPlot, fromSec: number, toSec: number): [number, number] | null {
  const x0 = Math.max(u.bbox.left, u.valToPos(fromSec, 'x', true));
  const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(toSec, 'x', true));
  return x1 > x0 ? [x0, x1] : null;
}

export function drawBehind(
  u: uPlot,
  highlights: { fromSec: number; toSec: number }[],
  interpolated: { row: number; fromSec: number; toSec: number }[],
  rows: number,
  noData: { fromSec: number; toSec: number }[] = [],
) {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = themeColour('--interpolated');
  font(ctx);
  for (const g of noData) {
    const s = span(u, g.fromSec, g.toSec);
    if (!s) continue;
    ctx.fillRect(s[0], u.bbox.top, Math.max(1, s[1] - s[0]), u.bbox.height);
    label(ctx, 'no data', s[0] + 4 * devicePixelRatio, u.bbox.top + 4 * devicePixelRatio, themeColour('--muted'));
    ctx.fillStyle = themeColour('--interpolated');
  }
  ctx.fillStyle = themeColour('--highlight');
  for (const h of highlights) {
    const s = span(u, h.fromSec, h.toSec);
    if (s) ctx.fillRect(s[0], u.bbox.top, s[1] - s[0], u.bbox.height);
  }
  ctx.fillStyle = themeColour('--interpolated');
  const rowPx = u.bbox.height / Math.max(1, rows);
  for (const i of interpolated) {
    const s = span(u, i.fromSec, i.toSec);
    if (s) ctx.fillRect(s[0], u.bbox.top + i.row * rowPx, Math.max(1, s[1] - s[0]), rowPx);
  }
  ctx.restore();
}

/** Text on a backing of the page's colour, so it reads over busy traces. */
function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, colour: string) {
  const pad = 2 * devicePixelRatio;
  ctx.fillStyle = themeColour('--bg');
  ctx.fillRect(x - pad, y - pad, ctx.measureText(text).width + 2 * pad, 14 * devicePixelRatio + 2 * pad);
  ctx.fillStyle = colour;
  ctx.fillText(text, x, y);
}

function font(ctx: CanvasRenderingContext2D) {
  ctx.font = `${Math.round(12 * devicePixelRatio)}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
}

/** Each annotation's onset line and text, its span tinted. */
export function drawMarkers(u: uPlot, markers: { onsetSec: number; durationSec: number; text: string }[]) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  font(ctx);
  const accent = themeColour('--accent');
  for (const m of markers) {
    const x = u.valToPos(m.onsetSec, 'x', true);
    const s = m.durationSec > 0 ? span(u, m.onsetSec, m.onsetSec + m.durationSec) : null;
    if (s) {
      ctx.globalAlpha = 0.1;
      ctx.fillStyle = accent;
      ctx.fillRect(s[0], top, s[1] - s[0], height);
      ctx.globalAlpha = 1;
    }
    if (x < left || x > left + width) continue;
    ctx.strokeStyle = accent;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    label(ctx, m.text, x + 3 * devicePixelRatio, top + 2 * devicePixelRatio, accent);
  }
  ctx.restore();
}

/** A bar 10 mm tall at the sensitivity and a round time wide, in the plot's lower right corner, labelled. */
export function drawCalibration(u: uPlot, sensitivityUvPerMm: number) {
  const ctx = u.ctx;
  const [from, to] = [u.scales.x.min!, u.scales.x.max!];
  const { uv, mm, sec } = calibrationBar(sensitivityUvPerMm, to - from);
  const tall = mm * PX_PER_MM * devicePixelRatio;
  const wide = u.valToPos(from + sec, 'x', true) - u.valToPos(from, 'x', true);
  const x = u.bbox.left + u.bbox.width - wide - 12 * devicePixelRatio;
  const y = u.bbox.top + u.bbox.height - 22 * devicePixelRatio;
  ctx.save();
  ctx.strokeStyle = themeColour('--text');
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.beginPath();
  ctx.moveTo(x, y - tall);
  ctx.lineTo(x, y);
  ctx.lineTo(x + wide, y);
  ctx.stroke();
  font(ctx);
  label(ctx, `${uv} µV`, x + 4 * devicePixelRatio, y - tall, themeColour('--text'));
  label(ctx, `${sec} s`, x + 4 * devicePixelRatio, y + 4 * devicePixelRatio, themeColour('--text'));
  ctx.restore();
}

/** The caliper: a line and a dot at each point, the span between them tinted, and its reading once both are set. */
export function drawCaliper(u: uPlot, points: TracePoint[], placeY: (p: TracePoint) => number) {
  if (!points.length) return;
  const ctx = u.ctx;
  const colour = themeColour('--caliper');
  ctx.save();
  ctx.strokeStyle = ctx.fillStyle = colour;
  ctx.lineWidth = devicePixelRatio;
  const xs = points.map((p) => u.valToPos(p.sec, 'x', true));
  if (xs.length === 2) {
    ctx.globalAlpha = 0.12;
    ctx.fillRect(Math.min(...xs), u.bbox.top, Math.abs(xs[1] - xs[0]), u.bbox.height);
    ctx.globalAlpha = 1;
  }
  points.forEach((p, i) => {
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(xs[i], u.bbox.top);
    ctx.lineTo(xs[i], u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(xs[i], u.valToPos(placeY(p), 'y', true), 3.5 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
  });
  font(ctx);
  const text = points.length === 2 ? caliperText(points[0], points[1]) : `${points[0].channel} ${formatUv(points[0].uv)} µV`;
  label(ctx, text, Math.max(...xs) + 5 * devicePixelRatio, u.bbox.top + 20 * devicePixelRatio, colour);
  ctx.restore();
}
