/**
 * The NaN policy. Real HMS files carry missing samples (as NaN or null); a window is usable when
 * each channel misses little enough, and missing samples are filled so filters see no NaN.
 */
import { EEG_ELECTRODES } from './eeg';

/**
 * Linear interpolation inside gaps; leading and trailing gaps hold the nearest valid value (the
 * notebook dropped files with leading NaNs — we keep them); an all-missing channel becomes zeros.
 * Infinite values count as missing. A channel with nothing missing is returned as it is (never
 * written to); others are filled copies.
 */
export function fillMissing(data: Float32Array[]): { data: Float32Array[]; missingFraction: number[] } {
  const missingFraction: number[] = [];
  const out = data.map((ch) => {
    if (allFinite(ch)) {
      missingFraction.push(ch.length ? 0 : 1);
      return ch;
    }
    const filled = new Float32Array(ch);
    let missing = 0;
    let lastValid = -1;
    for (let i = 0; i <= ch.length; i++) {
      if (i < ch.length && !Number.isFinite(ch[i])) {
        missing++;
        continue;
      }
      const gapStart = lastValid + 1;
      if (i > gapStart) {
        if (lastValid < 0 && i === ch.length) filled.fill(0);
        else if (lastValid < 0) filled.fill(ch[i], 0, i);
        else if (i === ch.length) filled.fill(ch[lastValid], gapStart, i);
        else {
          const a = ch[lastValid];
          const step = (ch[i] - a) / (i - lastValid);
          for (let k = gapStart; k < i; k++) filled[k] = a + step * (k - lastValid);
        }
      }
      lastValid = i;
    }
    missingFraction.push(ch.length ? missing / ch.length : 1);
    return filled;
  });
  return { data: out, missingFraction };
}

/** The runs of missing (non-finite) samples of a channel as [start, end) indices: the spans fillMissing interpolates over. */
export function missingRuns(ch: Float32Array): [number, number][] {
  const runs: [number, number][] = [];
  let from = -1;
  for (let i = 0; i <= ch.length; i++) {
    const missing = i < ch.length && !Number.isFinite(ch[i]);
    if (missing && from < 0) from = i;
    else if (!missing && from >= 0) {
      runs.push([from, i]);
      from = -1;
    }
  }
  return runs;
}

function allFinite(ch: Float32Array): boolean {
  for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) return false;
  return true;
}

export type WindowQuality = { ok: true } | { ok: false; reason: string };

/** The NaN policy's default: a window is unusable when a channel misses more than this fraction of it. */
export const DEFAULT_MAX_MISSING = 0.2;

/**
 * Running counts of missing (non-finite) samples, so any window's missing fraction is two
 * look-ups: prefix[i] counts samples before i. Null for a channel that misses nothing.
 */
export function missingPrefix(ch: Float32Array): Uint32Array | null {
  if (allFinite(ch)) return null;
  const prefix = new Uint32Array(ch.length + 1);
  for (let i = 0; i < ch.length; i++) prefix[i + 1] = prefix[i] + (Number.isFinite(ch[i]) ? 0 : 1);
  return prefix;
}

/** Per channel, the fraction of samples [start, start + samples) missing. */
export function windowMissing(prefixes: readonly (Uint32Array | null)[], start: number, samples: number): number[] {
  return prefixes.map((p) => (p ? (p[start + samples] - p[start]) / samples : 0));
}

/** A window is rejected when any channel misses more than `maxMissing`; the reason names the worst. */
export function windowQuality(missingFraction: readonly number[], channels: readonly string[], maxMissing = DEFAULT_MAX_MISSING): WindowQuality {
  const bad = missingFraction
    .map((f, i) => ({ f, name: channels[i] ?? `#${i}` }))
    .filter(({ f }) => f > maxMissing)
    .sort((a, b) => b.f - a.f);
  if (bad.length === 0) return { ok: true };
  const worst = bad.slice(0, 4).map(({ f, name }) => `${name} ${(f * 100).toFixed(0)}%`);
  const more = bad.length > 4 ? ` and ${bad.length - 4} more` : '';
  return { ok: false, reason: `too much missing data (over ${(maxMissing * 100).toFixed(0)}%): ${worst.join(', ')}${more}` };
}

/**
 * Electrodes with no signal in a recording in HMS layout: not in the file (all NaN), empty, or
 * flat (every valid sample the same: a disconnected or shorted lead). A montage draws their
 * rows and chains flat (see montage.ts `absentRows`), and the missing-data policy counts those
 * rows instead of the electrodes' samples.
 */
export function absentElectrodes(data: readonly Float32Array[]): Set<string> {
  return new Set(EEG_ELECTRODES.filter((_, e) => isFlat(data[e])));
}

function isFlat(ch: Float32Array): boolean {
  let first = NaN;
  for (let i = 0; i < ch.length; i++) {
    const v = ch[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/**
 * The missing-data policy for a window of a recording with `absent` electrodes (see
 * absentElectrodes): refused when more than `maxMissing` of the montage's EEG rows have no signal
 * (`absentRows` of `rowCount`), naming them, or when a channel present misses too much of the window.
 */
export function eegWindowQuality(
  missingFraction: readonly number[],
  channels: readonly string[],
  absent: { electrodes: ReadonlySet<string>; rows: readonly string[]; rowCount: number },
  maxMissing = DEFAULT_MAX_MISSING,
): WindowQuality {
  const { electrodes, rows, rowCount } = absent;
  if (tooManyAbsent(absent, maxMissing)) {
    return { ok: false, reason: `no signal in ${rows.length} of ${rowCount} channels (over ${(maxMissing * 100).toFixed(0)}%): ${absentNote(absent)}` };
  }
  return windowQuality(
    missingFraction.map((f, i) => (electrodes.has(channels[i]) ? 0 : f)),
    channels,
    maxMissing,
  );
}

/** Whether a recording's flat rows alone refuse every window of it. */
export function tooManyAbsent({ rows, rowCount }: { rows: readonly string[]; rowCount: number }, maxMissing = DEFAULT_MAX_MISSING): boolean {
  return rows.length > maxMissing * rowCount;
}

/** Which channels are flat and why, in words: "T3-T5, T5-O1 (electrode T5 missing or flat)". */
export function absentNote({ electrodes, rows }: { electrodes: ReadonlySet<string>; rows: readonly string[] }): string {
  const names = [...electrodes];
  return `${rows.join(', ')} (electrode${names.length > 1 ? 's' : ''} ${names.join(', ')} missing or flat)`;
}

/** Clips every sample to ±limitUv, in arrays the caller owns (no allocation). */
export function clipInPlace(data: Float32Array[], limitUv: number): Float32Array[] {
  for (const ch of data) {
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i];
      if (v > limitUv) ch[i] = limitUv;
      else if (v < -limitUv) ch[i] = -limitUv;
    }
  }
  return data;
}
