/**
 * The NaN policy. Real HMS files carry missing samples (as NaN or null); a window is usable when
 * each channel misses little enough, and missing samples are filled so filters see no NaN.
 */

/**
 * Linear interpolation inside gaps; leading and trailing gaps hold the nearest valid value (the
 * notebook dropped files with leading NaNs — we keep them); an all-missing channel becomes zeros.
 * Infinite values count as missing. Returns new arrays and each channel's missing fraction.
 */
export function fillMissing(data: Float32Array[]): { data: Float32Array[]; missingFraction: number[] } {
  const missingFraction: number[] = [];
  const out = data.map((ch) => {
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

export type WindowQuality = { ok: true } | { ok: false; reason: string };

/** A window is rejected when any channel misses more than `maxMissing`; the reason names the worst. */
export function windowQuality(missingFraction: readonly number[], channels: readonly string[], maxMissing = 0.2): WindowQuality {
  const bad = missingFraction
    .map((f, i) => ({ f, name: channels[i] ?? `#${i}` }))
    .filter(({ f }) => f > maxMissing)
    .sort((a, b) => b.f - a.f);
  if (bad.length === 0) return { ok: true };
  const worst = bad.slice(0, 4).map(({ f, name }) => `${name} ${(f * 100).toFixed(0)}%`);
  const more = bad.length > 4 ? ` and ${bad.length - 4} more` : '';
  return { ok: false, reason: `too much missing data (over ${(maxMissing * 100).toFixed(0)}%): ${worst.join(', ')}${more}` };
}

/** Clips every sample to ±limitUv; returns new arrays. */
export function clip(data: Float32Array[], limitUv: number): Float32Array[] {
  return data.map((ch) => {
    const out = new Float32Array(ch.length);
    for (let i = 0; i < ch.length; i++) out[i] = ch[i] > limitUv ? limitUv : ch[i] < -limitUv ? -limitUv : ch[i];
    return out;
  });
}
