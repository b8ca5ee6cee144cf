/** One EEG into the cache: read it, preprocess it whole, decimate it when asked, write it as .npy, judge its windows. */
import { createHash } from 'node:crypto';
import { decimationOf, meanDecimate } from '../../core/cache-rate';
import { type Recording, WINDOW_SAMPLES } from '../../core/eeg';
import { montageChannelNames } from '../../core/montage';
import { readInputFileInto } from '../formats/input-file';
import { writeFileAtomicSync } from '../fs-atomic';
import { missingFractions, type Preprocessed, preprocessRecording } from '../../core/preprocess';
import { eegWindowQuality } from '../../core/quality';
import { parseHmsEegParquet } from '../formats/parquet';
import { encodeNpy, float32NpyRows } from '../formats/npy';
import { type CacheTask, type CacheTaskResult, type Sidecar, sidecarPath } from './worker-task';

/**
 * Memory a cache worker reuses from file to file, one buffer per use, grown when a file needs
 * more. New buffers for every file (the file, its samples, its .npy: 2.3 MB for 50 s) made V8
 * collect garbage every few files, about 5 ms a file. For one file at a time.
 */
export class FileBuffers {
  private readonly buffers = new Map<string, ArrayBuffer>();

  bytes(use: string, bytes: number): Uint8Array {
    let buffer = this.buffers.get(use);
    if (!buffer || buffer.byteLength < bytes) {
      // A quarter to spare, so that a slightly longer file does not replace it.
      buffer = new ArrayBuffer(Math.ceil((bytes * 1.25) / 8) * 8);
      this.buffers.set(use, buffer);
    }
    return new Uint8Array(buffer, 0, bytes);
  }

  floats(use: string, count: number): Float32Array {
    return new Float32Array(this.bytes(use, count * 4).buffer, 0, count);
  }

  /** `count` rows of `length` floats, back to back in one buffer. */
  rows(use: string, count: number, length: number): Float32Array[] {
    const all = this.floats(use, count * length);
    return Array.from({ length: count }, (_, r) => all.subarray(r * length, (r + 1) * length));
  }
}

export async function processEeg(task: CacheTask, buffers = new FileBuffers()): Promise<CacheTaskResult> {
  // Synchronous reads and writes: a worker thread blocks only itself (see readInputFileInto).
  const bytes = readInputFileInto(task.sourcePath, (n) => buffers.bytes('file', n));
  const sourceSha1 = createHash('sha1').update(bytes).digest('hex');
  const recording = await parseHmsEegParquet(bytes, task.sourcePath, (n) => buffers.floats('samples', n));
  const samples = recording.data[0].length;
  const channels = montageChannelNames(task.spec.montage).length;
  const factor = decimationOf(task.rateHz);
  const stored = Math.floor(samples / factor);
  // float32 is written straight into the .npy's rows (preprocessed there at 200 Hz, or decimated
  // there from rows of its own); float16 is converted from rows of its own.
  const npy = task.dtype === 'float32' ? float32NpyRows(channels, stored, (n) => buffers.bytes('npy', n)) : null;
  const pre = preprocessRecording(recording, task.spec, factor === 1 ? npy?.rows : buffers.rows('preprocessed', channels, samples));
  const rows = factor === 1 ? pre.data : pre.data.map((row, c) => meanDecimate(row, factor, npy?.rows[c]));
  const rejected = rejectedWindows(task, recording, pre);
  // Whole or not at all; the sidecar written after it is what marks it done. Written here, not by
  // the main thread, which otherwise took a core's share from the workers on a 2-core machine.
  writeFileAtomicSync(task.outPath, npy ? npy.bytes : encodeNpy(rows, task.dtype));
  const result = { eegId: task.eegId, samples: stored, sourceBytes: bytes.length, sourceSha1, rejected };
  const sidecar: Sidecar = { params: task.params, sourceMtimeMs: task.sourceMtimeMs, result };
  writeFileAtomicSync(sidecarPath(task.outPath), JSON.stringify(sidecar));
  return result;
}

/** The task's windows the recording cannot give or the NaN policy refuses, with the reason. */
function rejectedWindows(task: CacheTask, recording: Recording, pre: Preprocessed): CacheTaskResult['rejected'] {
  const samples = recording.data[0].length;
  const rejected: CacheTaskResult['rejected'] = [];
  for (const w of task.windows) {
    const end = w.startSample + WINDOW_SAMPLES;
    if (w.startSample < 0 || end > samples) {
      rejected.push({ labelId: w.labelId, reason: `the window needs samples ${w.startSample}–${end}, the recording has ${samples}` });
      continue;
    }
    // A channel missing nothing in the recording misses nothing in a window: most files skip the scan.
    const missing = recording.data.map((ch, c) => (pre.missingFraction[c] === 0 ? 0 : missingFractions([ch.subarray(w.startSample, end)])[0]));
    const quality = eegWindowQuality(missing, recording.channels, pre.absent, task.maxMissing);
    if (!quality.ok) rejected.push({ labelId: w.labelId, reason: quality.reason });
  }
  return rejected;
}
