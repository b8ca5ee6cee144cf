/**
 * Events kept beside a recording rather than in it: TUH EEG corpus event files (`<base>.tse`, and
 * the v2 `<base>.csv` / `<base>.csv_bi` with a channel per row) and HMS Studio's own sidecar,
 * `<recording file>.annotations.csv` (`onset_sec,duration_sec,text`), where the user's added and
 * edited events are saved — the recording itself is never rewritten. TUH's `bckg` (background)
 * events cover everything that is not an event and are left out.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DataError, type Annotation } from '../../core/eeg';
import { parseCsv } from './csv';
import { writeFileAtomic } from '../fs-atomic';
import { readInputFile } from './input-file';

export const SIDECAR_SUFFIX = '.annotations.csv';
const SIDECAR_HEADER = 'onset_sec,duration_sec,text';
/** Far more than any event file holds; a bigger one is not an event file. */
const MAX_EVENT_FILE_BYTES = 64 * 2 ** 20;

export interface SidecarEvents {
  annotations: Annotation[];
  /** One line per event file that could not be read, naming it; the recording opens without its events. */
  problems: string[];
}

export function sidecarPath(recordingPath: string): string {
  return recordingPath + SIDECAR_SUFFIX;
}

/** Every event file beside `recordingPath` that belongs to it, read; each event names its file as `source`. */
export async function readSidecarEvents(recordingPath: string): Promise<SidecarEvents> {
  const folder = dirname(recordingPath);
  const stem = basename(recordingPath, extname(recordingPath));
  const names = await readdir(folder).catch(() => [] as string[]);
  const readers: [string, (text: string, path: string) => Annotation[]][] = [
    [`${stem}.tse`, parseTse],
    [`${stem}.csv`, parseTuhCsv],
    [`${stem}.csv_bi`, parseTuhCsv],
    [basename(recordingPath) + SIDECAR_SUFFIX, parseSidecar],
  ];
  const out: SidecarEvents = { annotations: [], problems: [] };
  for (const [name, parse] of readers) {
    if (!names.includes(name)) continue;
    const path = join(folder, name);
    try {
      const text = (await readInputFile(path, MAX_EVENT_FILE_BYTES)).toString('utf8');
      // A `<base>.csv` that is not TUH's (no start_time column) is some other table, not events.
      if (name.endsWith('.csv') && parse === parseTuhCsv && !text.includes('start_time')) continue;
      out.annotations.push(...parse(text, path).map((a) => ({ ...a, source: name })));
    } catch (err) {
      out.problems.push(err instanceof DataError ? err.message : `${path}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The user's events as the sidecar, temp file then rename; returns its path. */
export async function writeSidecarEvents(recordingPath: string, annotations: readonly Annotation[]): Promise<string> {
  const path = sidecarPath(recordingPath);
  const rows = [...annotations].sort((a, b) => a.onsetSec - b.onsetSec).map((a) => `${+a.onsetSec.toFixed(6)},${+a.durationSec.toFixed(6)},${csvField(a.text)}`);
  await writeFileAtomic(path, [SIDECAR_HEADER, ...rows].join('\n') + '\n');
  return path;
}

function csvField(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return /[",]/.test(oneLine) ? `"${oneLine.replace(/"/g, '""')}"` : oneLine;
}

/** TUH `.tse`: a `version = tse_v1.0.0` line, then `start stop label probability` per line, seconds. */
export function parseTse(text: string, path: string): Annotation[] {
  const out: Annotation[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || line.startsWith('version') || line.startsWith('#')) return;
    if (fields.length < 3) throw new DataError(path, `line ${i + 1} is not "start stop label [probability]"`);
    const event = span(path, i + 1, fields[0], fields[1], fields[2]);
    if (event) out.push(event);
  });
  return out;
}

/** TUH v2 `.csv` / `.csv_bi`: `#` comments, then `channel,start_time,stop_time,label,confidence`; `TERM` rows concern the whole recording. */
export function parseTuhCsv(text: string, path: string): Annotation[] {
  const table = parseCsv(
    text
      .split(/\r?\n/)
      .map((l) => (l.startsWith('#') ? '' : l))
      .join('\n'),
    path,
  );
  const at = (name: string) => table.header.indexOf(name);
  if (['channel', 'start_time', 'stop_time', 'label'].some((c) => at(c) < 0))
    throw new DataError(path, 'not a TUH event file: its header lacks channel, start_time, stop_time or label');
  return table.rows.flatMap((row, r) => {
    const channel = row[at('channel')].trim();
    const label = row[at('label')].trim();
    const event = span(path, table.lines[r], row[at('start_time')], row[at('stop_time')], channel === 'TERM' ? label : `${label} ${channel}`);
    return event ? [event] : [];
  });
}

/** HMS Studio's sidecar: `onset_sec,duration_sec,text`. */
export function parseSidecar(text: string, path: string): Annotation[] {
  const table = parseCsv(text, path);
  if (table.header.join(',') !== SIDECAR_HEADER) throw new DataError(path, `the header is not "${SIDECAR_HEADER}"`);
  return table.rows.map(([onset, duration, label], r) => {
    const onsetSec = Number(onset);
    const durationSec = Number(duration);
    if (!(Number.isFinite(onsetSec) && onsetSec >= 0 && Number.isFinite(durationSec) && durationSec >= 0)) {
      throw new DataError(path, `line ${table.lines[r]}: onset and duration must be seconds ≥ 0`);
    }
    return { onsetSec, durationSec, text: label };
  });
}

/** One event from start and stop seconds, or null for background. */
function span(path: string, line: number, start: string, stop: string, text: string): Annotation | null {
  const from = Number(start);
  const to = Number(stop);
  if (!(Number.isFinite(from) && Number.isFinite(to) && from >= 0 && to >= from)) throw new DataError(path, `line ${line}: start and stop must be seconds, stop not before start`);
  if (/^bckg\b/i.test(text)) return null;
  return { onsetSec: from, durationSec: to - from, text };
}
