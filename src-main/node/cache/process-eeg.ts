/** One EEG into the cache: read it, preprocess it whole, write it as .npy, judge its windows. */
import { createHash } from 'node:crypto';
import { WINDOW_SAMPLES } from '../../core/eeg';
import { readInputFile } from '../formats/input-file';
import { writeFileAtomic } from '../fs-atomic';
import { missingFractions, preprocessRecording } from '../../core/preprocess';
import { eegWindowQuality } from '../../core/quality';
import { parseHmsEegParquet } from '../formats/parquet';
import { encodeNpy } from '../formats/npy';
import type { CacheTask, CacheTaskResult } from './worker-task';

export async function processEeg(task: CacheTask): Promise<CacheTaskResult> {
  const bytes = await readInputFile(task.sourcePath);
  const recording = await parseHmsEegParquet(bytes, task.sourcePath);
  const samples = recording.data[0].length;
  const pre = preprocessRecording(recording, task.spec);
  const rejected: CacheTaskResult['rejected'] = [];
  for (const w of task.windows) {
    const end = w.startSample + WINDOW_SAMPLES;
    if (w.startSample < 0 || end > samples) {
      rejected.push({ labelId: w.labelId, reason: `the window needs samples ${w.startSample}–${end}, the recording has ${samples}` });
      continue;
    }
    const raw = recording.data.map((ch) => ch.subarray(w.startSample, end));
    const quality = eegWindowQuality(missingFractions(raw), recording.channels, pre.absent, task.maxMissing);
    if (!quality.ok) rejected.push({ labelId: w.labelId, reason: quality.reason });
  }
  // Whole or not at all; the sidecar written after it is what marks it done.
  await writeFileAtomic(task.outPath, encodeNpy(pre.data, task.dtype));
  return {
    eegId: task.eegId,
    samples,
    sourceBytes: bytes.length,
    sourceSha1: createHash('sha1').update(bytes).digest('hex'),
    rejected,
  };
}
