/** `hms preprocess <folder> --out <cacheDir>`: the processed cache, in parallel, resumable. */
import { buildCache } from '../cache/build';
import { CACHE_RATES_HZ } from '../../core/cache-rate';
import { DataError, HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { flag, numberOption, stringOption, wholeNumberOption } from './args';
import { type Command, UsageError } from './command';
import { maxMissingFromArgs, PREPROCESS_OPTIONS, PREPROCESS_USAGE, preprocessSpecFromArgs } from './preprocess-options';
import { progressMeter } from './progress';

export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'preprocess every EEG of a dataset folder into a compact, memory-mappable cache (resumable)',
  usage: `hms preprocess <folder> --out <cacheDir> ${PREPROCESS_USAGE} [--max-missing F] [--float16] [--rate ${CACHE_RATES_HZ.join('|')}] [--threads N] [--json]`,
  options: { out: { values: 1 }, 'max-missing': { values: 1 }, float16: { values: 0 }, rate: { values: 1 }, threads: { values: 1 }, json: { values: 0 }, ...PREPROCESS_OPTIONS },
  async run(args, io) {
    const [folder] = args.positional;
    if (!folder || args.positional.length > 1) throw new UsageError('give one dataset folder');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <cacheDir> is required');
    const maxMissing = maxMissingFromArgs(args);
    const rateHz = numberOption(args, 'rate', HMS_SAMPLE_RATE_HZ)!;
    if (!CACHE_RATES_HZ.includes(rateHz)) throw new UsageError(`--rate must be ${CACHE_RATES_HZ.join(' or ')} (Hz; 50 is chainnet's input rate, a quarter of the cache)`);
    const meter = progressMeter('preprocess', 'files');
    const result = await buildCache(folder, out, {
      spec: preprocessSpecFromArgs(args),
      maxMissing,
      dtype: flag(args, 'float16') ? 'float16' : 'float32',
      rateHz,
      threads: wholeNumberOption(args, 'threads', { min: 1 }),
      signal: io.signal,
      onProgress: (p) => io.status(meter(p.done, p.total, p.resumed)),
    });
    io.status('');
    if (!result.manifest) {
      io.err(`cancelled after ${result.done} of ${result.total} EEGs; run the same command again to resume`);
      return 130;
    }
    const m = result.manifest;
    const usable = m.windows.filter((w) => !w.rejected).length;
    // Not one EEG read: a folder to fix, not a cache. Why the first failed says what to fix.
    if (m.recordings.length === 0 && m.skipped.length > 0) {
      const first = m.skipped[0];
      const reason = first.reason.startsWith(`${first.file}: `) ? first.reason.slice(first.file.length + 2) : first.reason;
      const others = m.skipped.length > 1 ? ` (and the ${m.skipped.length - 1} other EEGs train.csv names)` : '';
      throw new DataError(first.file, `${reason}; no EEG of ${folder} could be read${others}`);
    }
    for (const s of m.skipped) io.err(`skipped ${s.file}: ${s.reason}`);
    const summary = {
      cacheDir: out,
      sampleRateHz: m.sampleRateHz,
      dtype: m.dtype,
      recordings: m.recordings.length,
      resumed: result.resumed,
      skipped: m.skipped.length,
      windows: m.windows.length,
      usableWindows: usable,
      rejectedWindows: m.windows.length - usable,
    };
    if (flag(args, 'json')) io.json(summary);
    else {
      io.out(`${out}: ${summary.recordings} EEGs (${summary.resumed} already done), ${summary.skipped} skipped; ${m.dtype} at ${m.sampleRateHz} Hz`);
      io.out(`  ${summary.windows} windows: ${usable} usable, ${summary.rejectedWindows} rejected by the NaN policy or length`);
    }
    return 0;
  },
};
