/** What `hms inspect` and the Library view show about a file or a dataset folder. */
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
import { DataError, type Recording, recordingDurationSec, recordingSamples } from '../core/eeg';
import { summariseTrainRows } from '../core/dataset';
import { SPECTROGRAM_REGION_NAMES } from '../core/spectrogram';
import type { ChannelStats, FileInspection, FolderInspection } from '../core/api';
import { openHmsFolder } from './formats/hms-folder';
import { fileSystemProblem } from './formats/input-file';
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
  return describeRecording(await readRecording(path));
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
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : NaN;
  return {
    name,
    unit,
    missingFraction: values.length ? 1 - n / values.length : 1,
    mean: mean,
    std: n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : NaN,
    min: n ? min : NaN,
    max: n ? max : NaN,
  };
}

export async function inspectFolder(path: string): Promise<FolderInspection> {
  const folder = await openHmsFolder(path);
  const summary = summariseTrainRows(folder.train ?? []);
  return { kind: 'folder', path, ...summary, testRecordings: folder.test?.length ?? 0 };
}
