/** `hms window <recording> … --out FILE.npy|FILE.csv`: one preprocessed 50-s window. */
import { extname } from 'node:path';
import { DataError, EKG_CHANNEL, WINDOW_SAMPLES } from '../../core/eeg';
import { cutWindow, missingFractions, preprocessRecording } from '../../core/preprocess';
import { absentNote, eegWindowQuality } from '../../core/quality';
import { writeNpyFloat32 } from '../formats/npy';
import { writeFileAtomic } from '../fs-atomic';
import { readHmsLayoutRecording } from '../recording-files';
import { numberOption, stringOption } from './args';
import { type Command, UsageError } from './command';
import { MAX_MISSING_USAGE, maxMissingFromArgs, PREPROCESS_OPTIONS, PREPROCESS_USAGE, preprocessSpecFromArgs } from './preprocess-options';

export const windowCommand: Command = {
  name: 'window',
  summary: 'write the preprocessed 50-s window of a recording as .npy (float32 [channels, samples]) or .csv',
  usage: `hms window <recording> [--offset S] ${PREPROCESS_USAGE} ${MAX_MISSING_USAGE} --out FILE.npy|FILE.csv`,
  options: { offset: { values: 1 }, out: { values: 1 }, 'max-missing': { values: 1 }, ...PREPROCESS_OPTIONS },
  async run(args, io) {
    const [path] = args.positional;
    if (!path || args.positional.length > 1) throw new UsageError('give one recording');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out FILE.npy|FILE.csv is required');
    const kind = extname(out).toLowerCase();
    if (kind !== '.npy' && kind !== '.csv') throw new UsageError('--out must end in .npy or .csv');
    const spec = preprocessSpecFromArgs(args);
    const offsetSec = numberOption(args, 'offset', 0)!;
    const maxMissing = maxMissingFromArgs(args);
    if (offsetSec < 0) throw new UsageError('--offset must be ≥ 0');

    const { recording, missing } = await readHmsLayoutRecording(path);
    const start = Math.round(offsetSec * recording.sampleRateHz);
    const raw = cutWindow(recording.data, start, recording.sampleRateHz, path, WINDOW_SAMPLES);
    const pre = preprocessRecording(recording, spec);
    // The missing-data policy of the cache, here too: a window made mostly of filling, or of flat chains, is refused, not written.
    const fractions = missingFractions(raw).map((f, c) => (missing.includes(recording.channels[c]) ? 0 : f));
    const quality = eegWindowQuality(fractions, recording.channels, pre.absent, maxMissing);
    if (!quality.ok) throw new DataError(path, `the window from ${offsetSec} s has ${quality.reason}; --max-missing 1 takes it as it is`);
    if (pre.absent.rows.length) io.err(`warning: ${path}: no signal in ${absentNote(pre.absent)}; written as zeros`);
    if (missing.includes(EKG_CHANNEL)) io.err(`warning: ${path}: no ${EKG_CHANNEL} channel; written as zeros`);
    const window = cutWindow(pre.data, start, pre.sampleRateHz, path, WINDOW_SAMPLES);
    if (kind === '.npy') await writeNpyFloat32(out, window);
    else await writeFileAtomic(out, toCsv(pre.channels, window));
    io.out(`${out}: ${window.length} channels × ${window[0].length} samples (${spec.montage}, from ${offsetSec} s)`);
    return 0;
  },
};

function toCsv(channels: string[], window: Float32Array[]): string {
  const lines = [channels.join(',')];
  const n = window[0].length;
  for (let i = 0; i < n; i++) lines.push(window.map((ch) => ch[i]).join(','));
  return lines.join('\n') + '\n';
}
