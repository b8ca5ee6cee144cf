/** The middle value of timings (the mean of the two middle ones for an even count): what every bench reports, as one busy moment moves a mean. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
