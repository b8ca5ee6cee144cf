/**
 * Time as an EEG reader speaks it: the clock time of a moment when the recording says when it
 * started (EDF's header; an HMS parquet does not, and is read in seconds from its start), and
 * "go to" a clock time or an offset. Start times are local ISO without a zone ('2024-05-17T23:59:50'),
 * as EDF has none: they are computed as if UTC and never shifted into this machine's zone.
 */

const DAY_MS = 86_400_000;

function startMs(startIso: string | undefined): number | null {
  if (!startIso) return null;
  const ms = Date.parse(`${startIso}Z`);
  return Number.isFinite(ms) ? ms : null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "23:59:58" (or with tenths, "23:59:58.4"): the clock time `sec` into a recording, or null when its start is unknown. */
export function clockAt(startIso: string | undefined, sec: number, tenths = false): string | null {
  const start = startMs(startIso);
  if (start === null) return null;
  const d = new Date(start + Math.round(sec * 1000));
  const base = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return tenths ? `${base}.${Math.floor(d.getUTCMilliseconds() / 100)}` : base;
}

/** "2024-05-17 23:59:50", as the header shows it. */
export function formatStart(startIso: string): string {
  return startIso.replace('T', ' ');
}

export type GoTo = { ok: true; sec: number } | { ok: false; message: string };

/** [h, m, s] of "h:mm:ss" or "m:ss"; null when the text is not such a time. */
function colonParts(text: string): number[] | null {
  if (!/^\d{1,2}(:\d{1,2}){1,2}(\.\d+)?$/.test(text)) return null;
  const parts = text.split(':').map(Number);
  if (parts.slice(1).some((p) => p >= 60)) return null;
  return parts.length === 2 ? [0, ...parts] : parts;
}

/**
 * Where "go to" `text` points, in seconds from the recording's start. With a known start a time of
 * day ("14:03:20", "14:03") is clock time — the first such moment from the start, past midnight
 * if need be; "+2:30" and a plain number ("150") are always seconds from the start. Without a
 * start, "2:30" is an offset too.
 */
export function parseGoTo(input: string, startIso: string | undefined, durationSec: number): GoTo {
  const text = input.trim();
  const offset = text.startsWith('+');
  const body = offset ? text.slice(1).trim() : text;
  const start = startMs(startIso);
  let sec: number;
  if (/^\d+(\.\d+)?$/.test(body)) sec = Number(body);
  else {
    const parts = colonParts(body);
    if (!parts) return { ok: false, message: `"${input}" is not a time: write hh:mm:ss${start === null ? '' : ' (clock time)'}, +m:ss or seconds` };
    if (start !== null && !offset) {
      // A clock time of two parts is hours and minutes.
      const [h, m, s] = body.split(':').length === 2 ? [parts[1], parts[2], 0] : parts;
      const ofDay = (h * 3600 + m * 60 + s) * 1000 - (((start % DAY_MS) + DAY_MS) % DAY_MS);
      sec = (((ofDay % DAY_MS) + DAY_MS) % DAY_MS) / 1000;
    } else sec = parts.reduce((a, p) => a * 60 + p, 0);
  }
  if (sec > durationSec) return { ok: false, message: `${input.trim()} is past the recording's end` };
  return { ok: true, sec };
}
