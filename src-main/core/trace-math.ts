/**
 * The arithmetic of reading traces, apart from the drawing so it can be tested: a trace's DC
 * removed for display, which sample lies under the pointer, what the caliper between two points
 * says, and the calibration bar for a sensitivity.
 */

/** One point on a trace: where, on which row, and the trace's value there as drawn. */
export interface TracePoint {
  sec: number;
  row: number;
  channel: string;
  uv: number;
}

/** Each row less its own mean, so a trace sits on its label row whatever its DC offset (a referential electrode's can be ±300 µV). */
export function removeDc(rows: readonly Float32Array[]): Float32Array[] {
  return rows.map((ch) => {
    let sum = 0;
    for (const x of ch) sum += x;
    const mean = ch.length ? sum / ch.length : 0;
    return ch.map((x) => x - mean);
  });
}

/** The row under a height `y` into a plot `height` tall holding `rows` rows, or null outside it. */
export function rowAt(y: number, height: number, rows: number): number | null {
  if (y < 0 || y >= height || rows < 1) return null;
  return Math.min(rows - 1, Math.floor((y / height) * rows));
}

/** The trace point nearest `sec` on `row`, or null off the page's samples. */
export function pointAt(rows: readonly Float32Array[], channels: readonly string[], startSec: number, sampleRateHz: number, sec: number, row: number): TracePoint | null {
  const trace = rows[row];
  const i = Math.round((sec - startSec) * sampleRateHz);
  if (!trace || i < 0 || i >= trace.length) return null;
  return { sec: startSec + i / sampleRateHz, row, channel: channels[row], uv: trace[i] };
}

/** What the caliper reads between two points: time apart, the frequency whose period that is, the difference in µV. */
export function caliper(a: TracePoint, b: TracePoint): { dtSec: number; hz: number | null; duv: number } {
  const dtSec = Math.abs(b.sec - a.sec);
  return { dtSec, hz: dtSec > 0 ? 1 / dtSec : null, duv: b.uv - a.uv };
}

/** "Δt 0.200 s · 5.00 Hz · ΔV −200.0 µV (Fp1)": the caliper in words, with both channels when they differ. */
export function caliperText(a: TracePoint, b: TracePoint): string {
  const { dtSec, hz, duv } = caliper(a, b);
  const where = a.channel === b.channel ? a.channel : `${a.channel} → ${b.channel}`;
  return `Δt ${dtSec.toFixed(3)} s · ${hz === null ? '— Hz' : `${hz.toFixed(2)} Hz`} · ΔV ${formatUv(duv)} µV (${where})`;
}

/** µV with one decimal and a true minus sign. */
export function formatUv(uv: number): string {
  return uv.toFixed(1).replace('-', '−');
}

/**
 * The calibration bar: 10 mm tall at the sensitivity (µV/mm), so its µV reads the page's scale
 * directly, and as long as a round time: 1 s, or less on a short page (at most a fifth of it).
 */
export function calibrationBar(sensitivityUvPerMm: number, pageSec: number): { uv: number; mm: number; sec: number } {
  const sec = [1, 0.5, 0.2, 0.1].find((s) => s <= pageSec / 5) ?? 0.1;
  return { uv: sensitivityUvPerMm * 10, mm: 10, sec };
}
