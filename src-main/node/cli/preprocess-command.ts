/** `hms preprocess <folder> --out <cacheDir>`: the processed cache, in parallel, resumable. */
import { buildCache } from '../cache/build';
import { flag, numberOption, stringOption } from './args';
import { type Command, UsageError } from './command';
import { PREPROCESS_OPTIONS, PREPROCESS_USAGE, preprocessSpecFromArgs } from './preprocess-options';
import { progressMeter } from './progress';

export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'preprocess every EEG of a dataset folder into a compact, memory-mappable cache (resumable)',
  usage: `hms preprocess <folder> --out <cacheDir> ${PREPROCESS_USAGE} [--max-missing F] [--threads N] [--json]`,
  options: { out: { values: 1 }, 'max-missing': { values: 1 }, threads: { values: 1 }, json: { values: 0 }, ...PREPROCESS_OPTIONS },
  async run(args, io) {
    const [folder] = args.positional;
    if (!folder || args.positional.length > 1) throw new UsageError('give one dataset folder');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <cacheDir> is required');
    const maxMissing = numberOption(args, 'max-missing', 0.2)!;
    if (!(maxMissing >= 0 && maxMissing <= 1)) throw new UsageError('--max-missing must be between 0 and 1');
    const meter = progressMeter('preprocess', 'files');
    const result = await buildCache(folder, out, {
      spec: preprocessSpecFromArgs(args),
      maxMissing,
      threads: numberOption(args, 'threads'),
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
    for (const s of m.skipped) io.err(`skipped ${s.file}: ${s.reason}`);
    const summary = {
      cacheDir: out,
      recordings: m.recordings.length,
      resumed: result.resumed,
      skipped: m.skipped.length,
      windows: m.windows.length,
      usableWindows: usable,
      rejectedWindows: m.windows.length - usable,
    };
    if (flag(args, 'json')) io.json(summary);
    else {
      io.out(`${out}: ${summary.recordings} EEGs (${summary.resumed} already done), ${summary.skipped} skipped`);
      io.out(`  ${summary.windows} windows: ${usable} usable, ${summary.rejectedWindows} rejected by the NaN policy or length`);
    }
    return 0;
  },
};
