/** What `hms inspect` and the Library view show about a file or a dataset folder. */
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
import { DataError, type Recording, recordingDurationSec, recordingSamples } from '../core/eeg';
import { summariseTrainRows } from '../core/dataset';
import { SPECTROGRAM_REGION_NAMES } from '../core/spectrogram';
import type { ChannelStats, FileInspection, FolderInspection } from '../core/api';
import { openHmsFolder } from './formats/hms-folder';
import { fileSystemProblem } from './formats/input-file';
import { EdfReader } from './formats/edf-reader';
import { readHmsParquet } from './formats/parquet';
import { readRecording } from './recording-files';

export async function inspectPath(path: string): Promise<FileInspection | FolderInspection> {
  const s = await stat(path).catch((err: unknown) => {
    throw new DataError(path, fileSystemProblem(err, 'file or folder'));
  });
  return s.isDirectory() ? inspectFolder(path) : inspectFile(path);
}

export async function inspectFile(path: string): Promise<FileInspection> {
  if (extname(path).toLowerCase() === '.parquet') {
    const parsed = await readHmsParquet(path);
    if (parsed.kind === 'eeg') return describeRecording(parsed.recording);
    const { spectrogram } = parsed;
    const rows = spectrogram.timeSec.length;
    return {
      kind: 'file',
      path,
      format: 'hms-spectrogram',
      channels: [...SPECTROGRAM_REGION_NAMES],
      sampleRateHz: 0.5,
      samples: rows,
      durationSec: rows * 2,
      channelStats: spectrogram.power.map((bins, r) =>
        channelStats(
          SPECTROGRAM_REGION_NAMES[r],
          'power',
          bins.flatMap((b) => Array.from(b)),
        ),
      ),
      annotations: 0,
      frequenciesHz: spectrogram.frequenciesHz,
    };
  }
  const ext = extname(path).toLowerCase();
  return ext === '.edf' || ext === '.bdf' ? describeEdf(path) : describeRecording(await readRecording(path));
}

/** An EDF described an hour of its records at a time, so that one of days (or with an EDF+D gap of days) is never held whole. */
async function describeEdf(path: string): Promise<FileInspection> {
  const reader = await EdfReader.open(path);
  try {
    const stats = reader.channels.map(() => new Stats());
    const stretch = 3600 * reader.sampleRateHz;
    for (const [a, b] of reader.segments) {
      for (let s = a; s < b; s += stretch) reader.read(s, Math.min(b, s + stretch)).forEach((ch, c) => stats[c].add(ch));
    }
    return {
      kind: 'file',
      path,
      format: reader.format,
      channels: reader.channels,
      sampleRateHz: reader.sampleRateHz,
      samples: reader.samples,
      durationSec: reader.samples / reader.sampleRateHz,
      // Samples in EDF+D gaps count as missing, as a whole read holds them as NaN.
      channelStats: reader.channels.map((name, c) => stats[c].result(name, reader.units[c], reader.samples)),
      annotations: reader.annotations.length,
    };
  } finally {
    reader.close();
  }
}

function describeRecording(rec: Recording): FileInspection {
  return {
    kind: 'file',
    path: rec.source.path,
    format: rec.source.format,
    channels: rec.channels,
    sampleRateHz: rec.sampleRateHz,
    samples: recordingSamples(rec),
    durationSec: recordingDurationSec(rec),
    channelStats: rec.channels.map((name, i) => channelStats(name, rec.units[i], rec.data[i])),
    annotations: rec.annotations.length,
  };
}

function channelStats(name: string, unit: string, values: ArrayLike<number>): ChannelStats {
  const stats = new Stats();
  stats.add(values);
  return stats.result(name, unit, values.length);
}

/** A channel's statistics gathered a stretch at a time; NaN and infinite samples count as missing. */
class Stats {
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private min = Infinity;
  private max = -Infinity;

  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      this.n++;
      this.sum += v;
      this.sumSq += v * v;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }

  /** The statistics of `samples` samples, those never added counted as missing. */
  result(name: string, unit: string, samples: number): ChannelStats {
    const { n, sum, sumSq, min, max } = this;
    const mean = n ? sum / n : NaN;
    return {
      name,
      unit,
      missingFraction: samples ? 1 - n / samples : 1,
      mean: mean,
      std: n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : NaN,
      min: n ? min : NaN,
      max: n ? max : NaN,
    };
  }
}

export async function inspectFolder(path: string): Promise<FolderInspection> {
  const folder = await openHmsFolder(path);
  const summary = summariseTrainRows(folder.train ?? []);
  return { kind: 'folder', path, ...summary, testRecordings: folder.test?.length ?? 0 };
}
