/**
 * Recordings held open for the viewer: read once (HMS layout, gaps filled for display), then
 * served a page at a time in any montage. The few most recent stay in memory.
 */
import type { Page, PageRequest, RecordingInfo } from '../core/api';
import { float32ToBase64 } from '../core/base64';
import { recordingDurationSec, type Recording } from '../core/eeg';
import { applyMontage, montageChannelNames, type MontageKind } from '../core/montage';
import { fillMissing } from '../core/quality';
import { readHmsLayoutRecording } from './recording-files';

interface OpenRecording {
  info: RecordingInfo;
  filled: Float32Array[];
  montages: Map<MontageKind, Float32Array[]>;
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
      rows = applyMontage(req.montage, rec.filled);
      rec.montages.set(req.montage, rows);
    }
    const total = rows[0].length;
    const start = Math.min(Math.round(req.startSec * fs), Math.max(0, total - 1));
    const end = Math.min(total, start + Math.round(req.durationSec * fs));
    const from = Math.max(0, start - Math.round(req.contextSec * fs));
    const to = Math.min(total, end + Math.round(req.contextSec * fs));
    return {
      startSec: start / fs,
      sampleRateHz: fs,
      channels: montageChannelNames(req.montage),
      contextBefore: start - from,
      samples: end - start,
      data: rows.map((ch) => float32ToBase64(ch.subarray(from, to))),
    };
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
  return { info: recordingInfo(recording, missing), filled: fillMissing(recording.data).data, montages: new Map() };
}

function recordingInfo(rec: Recording, missing: string[]): RecordingInfo {
  return {
    path: rec.source.path,
    format: rec.source.format,
    sampleRateHz: rec.sampleRateHz,
    durationSec: recordingDurationSec(rec),
    missing,
    annotations: rec.annotations,
  };
}
