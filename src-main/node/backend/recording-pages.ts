/**
 * Recordings held open for the viewer: read once (HMS layout, gaps filled for display), then
 * served a page at a time in any montage. The few most recent stay in memory.
 */
import type { InterpolatedSpan, Page, PageRequest, RecordingInfo, SpectrogramView } from '../../core/api';
import { float32ToBase64 } from '../../core/base64';
import { EEG_ELECTRODES, recordingDurationSec, type Recording } from '../../core/eeg';
import { absentRows, applyMontage, CHAIN_GROUPS, montageChannelNames, montageSources, type MontageKind } from '../../core/montage';
import { absentElectrodes, fillMissing, missingRuns } from '../../core/quality';
import { regionSpectrogram, SPECTROGRAM_REGION_NAMES } from '../../core/spectrogram';
import { readHmsLayoutRecording } from '../recording-files';

interface OpenRecording {
  info: RecordingInfo;
  filled: Float32Array[];
  absent: Set<string>;
  /** Per input row, the runs of samples that were missing and are interpolated in `filled` (none for an absent electrode: its rows are flat). */
  gaps: [number, number][][];
  montages: Map<MontageKind, Float32Array[]>;
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
    let rows = rec.montages.get(req.montage);
    if (!rows) {
      rows = applyMontage(req.montage, rec.filled, rec.absent);
      rec.montages.set(req.montage, rows);
    }
    const total = rows[0].length;
    const start = Math.min(Math.round(req.startSec * fs), Math.max(0, total - 1));
    const end = Math.min(total, start + Math.round(req.durationSec * fs));
    const from = Math.max(0, start - Math.round(req.contextSec * fs));
    const to = Math.min(total, end + Math.round(req.contextSec * fs));
    const absent = absentRows(req.montage, rec.absent);
    const channels = montageChannelNames(req.montage);
    return {
      startSec: start / fs,
      sampleRateHz: fs,
      channels,
      absentRows: absent,
      interpolated: interpolatedSpans(req.montage, rec.gaps, start, end, fs).filter((s) => !absent.includes(channels[s.row])),
      contextBefore: start - from,
      samples: end - start,
      data: rows.map((ch) => float32ToBase64(ch.subarray(from, to))),
    };
  }

  /** Computed once per recording from the bipolar chains: the HMS layout, four regions, 2-s columns. */
  async spectrogram(path: string): Promise<SpectrogramView> {
    const rec = await this.get(path);
    if (!rec.spectrogram) {
      let bipolar = rec.montages.get('bipolar');
      if (!bipolar) {
        bipolar = applyMontage('bipolar', rec.filled, rec.absent);
        rec.montages.set('bipolar', bipolar);
      }
      const s = regionSpectrogram(bipolar, rec.info.sampleRateHz);
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
      while (this.open.size > this.keep) this.open.delete(this.open.keys().next().value!);
    }
    return entry;
  }
}

async function load(path: string): Promise<OpenRecording> {
  const { recording, missing } = await readHmsLayoutRecording(path);
  const absent = absentElectrodes(recording.data);
  const gaps = recording.data.map((ch, i) => (absent.has(EEG_ELECTRODES[i]) ? [] : missingRuns(ch)));
  return { info: recordingInfo(recording, missing, absent), filled: fillMissing(recording.data).data, absent, gaps, montages: new Map() };
}

/** Each montage row's interpolated spans within samples [start, end): the union of its sources' gaps. */
function interpolatedSpans(kind: MontageKind, gaps: [number, number][][], start: number, end: number, fs: number): InterpolatedSpan[] {
  return montageSources(kind).flatMap((sources, row) => {
    const runs = sources
      .flatMap((i) => gaps[i])
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

function recordingInfo(rec: Recording, missing: string[], absent: Set<string>): RecordingInfo {
  return {
    path: rec.source.path,
    format: rec.source.format,
    sampleRateHz: rec.sampleRateHz,
    durationSec: recordingDurationSec(rec),
    missing,
    absentElectrodes: [...absent],
    annotations: rec.annotations,
    ...(rec.source.startTime ? { startTime: rec.source.startTime } : {}),
    ...(rec.source.patientId ? { patientId: rec.source.patientId } : {}),
  };
}
