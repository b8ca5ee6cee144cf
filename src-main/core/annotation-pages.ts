/**
 * Paging by annotations, as an EEG reader does: an event's page is the page (of the length
 * shown) that holds its onset, and "next" / "previous" go to the nearest event on another page.
 */
import type { Annotation } from './eeg';

/**
 * The page start that shows `sec`: a whole number of pages in, so the time grid of every page
 * falls on the same seconds; the last page may hold less than a page of recording.
 */
export function pageStartFor(sec: number, pageSec: number, durationSec: number): number {
  return Math.max(0, Math.floor(Math.min(sec, durationSec - 1e-6) / pageSec + 1e-9) * pageSec);
}

/**
 * The start of the page `delta` pages on from `startSec` (±Infinity: the first or last), keeping
 * the page's phase, so paging into the end does not shift the grid: the last page is the one the
 * recording ends in, possibly short. Back past the start lands on 0.
 */
export function stepPage(startSec: number, pageSec: number, durationSec: number, delta: number): number {
  const lastSteps = Math.max(0, Math.ceil((durationSec - startSec) / pageSec - 1e-9) - 1);
  if (delta === Infinity) return startSec + lastSteps * pageSec;
  const steps = Math.min(lastSteps, delta);
  return Math.max(0, startSec + steps * pageSec);
}

/** The event to go to from the page starting at `startSec`: the first on a later page (dir 1) or the last on an earlier one (dir -1); null past the ends. */
export function stepAnnotation(annotations: readonly Annotation[], startSec: number, pageSec: number, durationSec: number, dir: 1 | -1): Annotation | null {
  const byOnset = [...annotations].sort((a, b) => a.onsetSec - b.onsetSec);
  const page = (a: Annotation) => pageStartFor(a.onsetSec, pageSec, durationSec);
  const EPS = 1e-6;
  if (dir === 1) return byOnset.find((a) => page(a) > startSec + EPS) ?? null;
  return byOnset.reverse().find((a) => page(a) < startSec - EPS) ?? null;
}

/** Whether an event shows on the page [fromSec, toSec): its onset, or any of its span. */
export function onPage(a: Annotation, fromSec: number, toSec: number): boolean {
  return a.onsetSec < toSec && a.onsetSec + Math.max(0, a.durationSec) >= fromSec;
}

/** "1:02:03" or "2:03": where an event is, from the recording's start. */
export function formatOffset(sec: number): string {
  const s = Math.floor(sec);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}
