/**
 * Recordings held open for the viewer, as sources (recording-source.ts): each page is read when
 * asked for, with its filter context — an EDF by the data records under it, so a recording of days
 * opens at once and never sits in memory whole — gaps filled for display and served in any
 * montage. The spectrogram overview reads the recording a column at a time. The few most recent
 * stay open.
 */
import type { InterpolatedSpan, Page, PageRequest, RecordingInfo, SpectrogramView } from '../../core/api';
import { float32ToBase64 } from '../../core/base64';
import { HMS_CHANNELS } from '../../core/eeg';
import { applyMontage, builtinMontage, CHAIN_GROUPS, derivationSources, deriveMontage, flatDerivations, montageLabels, otherChannelsOf, type Montage } from '../../core/montage';
import { absentElectrodes, fillMissing, missingRuns } from '../../core/quality';
import { regionSpectrogram, SPECTROGRAM_FFT, SPECTROGRAM_REGION_NAMES, SPECTROGRAM_ROW_SEC, spectrogramFrequencies } from '../../core/spectrogram';
import { openRecordingSource, type RecordingSource } from '../recording-source';

/** Up to this long, a recording's flat electrodes and spectrogram come from all of it at once (about 60 MB of samples). */
const WHOLE_SEC = 3600;
/** A longer one is judged flat from this many 10-s pieces spread along its data. */
const FLAT_PIECES = 36;
/** Columns of a long recording's spectrogram overview: more than the overview's pixels. */
const MAX_COLUMNS = 2000;
/** How long an evicted recording's file stays open, for pages already asked of it. */
const CLOSE_AFTER_MS = 30_000;

interface OpenRecording {
  info: RecordingInfo;
  source: RecordingSource;
  absent: Set<string>;
  spectrogram?: SpectrogramView;
}

export class RecordingPages {
  private open = new Map<string, Promise<OpenRecording>>();

  constructor(private readonly keep = 3) {}

  async info(path: string): Promise<RecordingInfo> {
    return (await this.get(path)).info;
  }

  async page(req: PageRequest): Promise<Page> {
    const rec = await this.get(req.path);
    const fs = rec.info.sampleRateHz;
    const total = rec.source.samples;
    const start = Math.min(Math.round(req.startSec * fs), Math.max(0, total - 1));
    const end = Math.min(total, start + Math.round(req.durationSec * fs));
    const from = Math.max(0, start - Math.round(req.contextSec * fs));
    const to = Math.min(total, end + Math.round(req.contextSec * fs));
    const raw = rec.source.read(from, to);
    const montage = typeof req.montage === 'string' ? builtinMontage(req.montage)! : req.montage;
    // The file's other channels the montage names (those it lacks are absent, and not read).
    const named = otherChannelsOf(montage).filter((c) => rec.info.otherChannels.includes(c));
    const otherRaw = rec.source.readOthers(from, to, named);
    // A bad electrode is read as an absent one: what the reader marked and what the file lacks are drawn alike.
    const unusable = new Set([...rec.absent, ...(req.bad ?? [])]);
    // Stretches the recording has no data records for are not interpolated samples of a channel: they are said once, as no data.
    const fileGaps = recordingGaps(rec.source.segments);
    const noData = fileGaps.map(([a, b]): [number, number] => [Math.max(a, start), Math.min(b, end)]).filter(([a, b]) => b > a);
    const gapsOf = (ch: Float32Array) =>
      outside(
        missingRuns(ch).map(([a, b]): [number, number] => [a + from, b + from]),
        fileGaps,
      );
    const gaps = new Map<string, [number, number][]>([
      ...HMS_CHANNELS.map((name, i): [string, [number, number][]] => [name, unusable.has(name) ? [] : gapsOf(raw[i])]),
      ...named.map((name, i): [string, [number, number][]] => [name, unusable.has(name) ? [] : gapsOf(otherRaw[i])]),
    ]);
    const others = new Map(named.map((name, i) => [name, fillMissing([otherRaw[i]]).data[0]]));
    const rows = deriveMontage(montage, fillMissing(raw).data, unusable, undefined, others);
    const absent = flatDerivations(montage, unusable, others);
    const channels = montageLabels(montage);
    return {
      startSec: start / fs,
      sampleRateHz: fs,
      channels,
      absentRows: absent,
      interpolated: interpolatedSpans(montage, gaps, start, end, fs).filter((s) => !absent.includes(channels[s.row])),
      noData: noData.map(([a, b]) => ({ fromSec: a / fs, toSec: b / fs })),
      contextBefore: start - from,
      samples: end - start,
      data: rows.map((ch) => float32ToBase64(ch)),
    };
  }

  /** Computed once per recording from the bipolar chains: the HMS layout, four regions, 2-s columns (fewer, further apart, past an hour). */
  async spectrogram(path: string): Promise<SpectrogramView> {
    const rec = await this.get(path);
    if (!rec.spectrogram) {
      const s = overview(rec.source, rec.absent);
      const rows = s.timeSec.length;
      const bins = s.frequenciesHz.length;
      rec.spectrogram = {
        timeSec: Array.from(s.timeSec),
        frequenciesHz: s.frequenciesHz,
        regions: SPECTROGRAM_REGION_NAMES.map((name, g) => {
          const out = new Float32Array(rows * bins);
          for (let r = 0; r < rows; r++) for (let b = 0; b < bins; b++) out[r * bins + b] = Math.log10(s.power[g][b][r] + 1e-6);
          return { name, label: CHAIN_GROUPS.find((c) => c.name === name)!.label, logPower: float32ToBase64(out) };
        }),
      };
    }
    return rec.spectrogram;
  }

  private get(path: string): Promise<OpenRecording> {
    let entry = this.open.get(path);
    if (!entry) {
      entry = load(path);
      // A failed read is not kept: the user may fix the file and try again.
      entry.catch(() => this.open.delete(path));
      this.open.set(path, entry);
      while (this.open.size > this.keep) {
        const [oldest, evicted] = this.open.entries().next().value!;
        this.open.delete(oldest);
        evicted.then(
          (r) => setTimeout(() => r.source.close(), CLOSE_AFTER_MS).unref(),
          () => {},
        );
      }
    }
    return entry;
  }
}

async function load(path: string): Promise<OpenRecording> {
  const source = await openRecordingSource(path);
  try {
    const absent = absentElectrodes(flatnessSample(source));
    return { info: recordingInfo(source, absent), source, absent };
  } catch (err) {
    source.close();
    throw err;
  }
}

/** The samples flatness is judged on: all of a recording up to an hour, else pieces spread along its data. */
function flatnessSample(source: RecordingSource): Float32Array[] {
  const fs = source.sampleRateHz;
  if (source.samples <= WHOLE_SEC * fs) return source.read(0, source.samples);
  const held = source.segments.reduce((n, [a, b]) => n + b - a, 0);
  const pieces = Array.from({ length: FLAT_PIECES }, (_, k) => {
    const [a, b, at] = dataPosition(source.segments, Math.floor(((k + 0.5) / FLAT_PIECES) * held));
    const from = Math.min(at, Math.max(a, b - 10 * fs));
    return source.read(from, Math.min(b, from + 10 * fs));
  });
  return pieces[0].map((_, c) => concat(pieces.map((p) => p[c])));
}

/** The segment holding the `n`-th sample of data (gaps left out), and that sample's place on the recording's timeline. */
function dataPosition(segments: readonly [number, number][], n: number): [number, number, number] {
  for (const [a, b] of segments) {
    if (n < b - a) return [a, b, a + n];
    n -= b - a;
  }
  const [a, b] = segments[segments.length - 1];
  return [a, b, b - 1];
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The region spectrogram: of the whole recording up to an hour; past it, one FFT per column, read where the column is. */
function overview(source: RecordingSource, absent: Set<string>): ReturnType<typeof regionSpectrogram> {
  const fs = source.sampleRateHz;
  if (source.samples <= WHOLE_SEC * fs) return regionSpectrogram(applyMontage('bipolar', fillMissing(source.read(0, source.samples)).data, absent), fs);
  const stepSec = Math.ceil(source.samples / fs / MAX_COLUMNS / SPECTROGRAM_ROW_SEC) * SPECTROGRAM_ROW_SEC;
  const columns = Math.floor(source.samples / fs / stepSec);
  const timeSec = Float32Array.from({ length: columns }, (_, r) => (r + 0.5) * stepSec);
  const power = SPECTROGRAM_REGION_NAMES.map(() => Array.from({ length: spectrogramFrequencies(fs).length }, () => new Float32Array(columns)));
  for (let r = 0; r < columns; r++) {
    const from = Math.max(0, Math.round(timeSec[r] * fs) - SPECTROGRAM_FFT / 2);
    const one = regionSpectrogram(applyMontage('bipolar', fillMissing(source.read(from, from + SPECTROGRAM_FFT)).data, absent), fs);
    power.forEach((bins, g) => bins.forEach((row, b) => (row[r] = one.power[g][b][0] ?? 0)));
  }
  return { timeSec, frequenciesHz: spectrogramFrequencies(fs), power };
}

/** Each montage row's interpolated spans within samples [start, end): the union of its sources' gaps (by channel name). */
function interpolatedSpans(montage: Montage, gaps: ReadonlyMap<string, [number, number][]>, start: number, end: number, fs: number): InterpolatedSpan[] {
  return derivationSources(montage).flatMap((sources, row) => {
    const runs = sources
      .flatMap((name) => gaps.get(name) ?? [])
      .map(([a, b]): [number, number] => [Math.max(a, start), Math.min(b, end)])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of runs) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return merged.map(([a, b]) => ({ row, fromSec: a / fs, toSec: b / fs }));
  });
}

/** The stretches between a recording's segments, [start, end) in samples: EDF+D gaps. */
function recordingGaps(segments: readonly (readonly [number, number])[]): [number, number][] {
  return segments.slice(1).map(([a], i): [number, number] => [segments[i][1], a]);
}

/** Sample runs with the parts inside `cut` (sorted, disjoint) taken out. */
function outside(runs: [number, number][], cut: [number, number][]): [number, number][] {
  return runs.flatMap(([a, b]) => {
    const kept: [number, number][] = [];
    let from = a;
    for (const [c, d] of cut) {
      if (d <= from || c >= b) continue;
      if (c > from) kept.push([from, c]);
      from = Math.max(from, d);
    }
    if (from < b) kept.push([from, b]);
    return kept;
  });
}

function recordingInfo(source: RecordingSource, absent: Set<string>): RecordingInfo {
  const fs = source.sampleRateHz;
  const gaps = recordingGaps(source.segments).map(([a, b]) => ({ startSec: a / fs, endSec: b / fs }));
  return {
    path: source.path,
    format: source.format,
    sampleRateHz: fs,
    durationSec: source.samples / fs,
    missing: source.missing,
    otherChannels: source.otherChannels,
    absentElectrodes: [...absent],
    annotations: source.annotations,
    ...(gaps.length ? { gaps } : {}),
    ...(source.startTime ? { startTime: source.startTime } : {}),
    ...(source.patientId ? { patientId: source.patientId } : {}),
  };
}
