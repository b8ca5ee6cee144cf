/** The preprocessing flags shared by `hms window` and `hms preprocess`. */
import { DEFAULT_PREPROCESS, type PreprocessSpec } from '../../core/preprocess';
import { MONTAGES, type MontageKind } from '../../core/montage';
import { HMS_SAMPLE_RATE_HZ } from '../../core/eeg';
import { filterProblem, type FilterSpec } from '../../core/filters';
import { DEFAULT_MAX_MISSING } from '../../core/quality';
import { flag, numberOption, numbersOption, stringOption } from './args';
import { type OptionSpec, type ParsedArgs, UsageError } from './command';

export const PREPROCESS_OPTIONS: Record<string, OptionSpec> = {
  montage: { values: 1 },
  band: { values: 2 },
  notch: { values: 1 },
  order: { values: 1 },
  'zero-phase': { values: 0 },
  clip: { values: 1 },
};

export const PREPROCESS_USAGE = `[--montage ${MONTAGES.join('|')}] [--band LO HI (0 = off)] [--notch 50|60] [--order N] [--zero-phase] [--clip UV|none]`;

export function preprocessSpecFromArgs(args: ParsedArgs): PreprocessSpec {
  const montage = (stringOption(args, 'montage') ?? DEFAULT_PREPROCESS.montage) as MontageKind;
  if (!MONTAGES.includes(montage)) throw new UsageError(`--montage must be one of ${MONTAGES.join(', ')}`);
  const band = numbersOption(args, 'band');
  const notch = numberOption(args, 'notch');
  if (notch !== undefined && notch !== 50 && notch !== 60) throw new UsageError('--notch must be 50 or 60');
  const clipText = stringOption(args, 'clip');
  const clipUv = clipText === undefined ? DEFAULT_PREPROCESS.clipUv : clipText === 'none' ? null : Number(clipText);
  if (clipUv !== null && !(clipUv > 0)) throw new UsageError('--clip must be a positive number of µV or "none"');
  const filter: FilterSpec = {
    // 0 on either side of --band turns that side off.
    highpassHz: band ? band[0] || undefined : DEFAULT_PREPROCESS.filter.highpassHz,
    lowpassHz: band ? band[1] || undefined : DEFAULT_PREPROCESS.filter.lowpassHz,
    notchHz: notch as 50 | 60 | undefined,
    order: numberOption(args, 'order', DEFAULT_PREPROCESS.filter.order),
    zeroPhase: flag(args, 'zero-phase'),
  };
  // Recordings are brought to 200 Hz before they are filtered.
  const problem = filterProblem(filter, HMS_SAMPLE_RATE_HZ);
  if (problem) throw new UsageError(`--${problem.setting === 'zeroPhase' ? 'zero-phase' : problem.setting}: ${problem.problem}`);
  return { montage, filter, clipUv };
}

/** --max-missing F: the NaN policy's limit, the fraction of a window a channel may miss (0.2 unless given). */
export function maxMissingFromArgs(args: ParsedArgs): number {
  const maxMissing = numberOption(args, 'max-missing', DEFAULT_MAX_MISSING)!;
  if (!(maxMissing >= 0 && maxMissing <= 1)) throw new UsageError('--max-missing must be between 0 and 1');
  return maxMissing;
}

export const MAX_MISSING_USAGE = '[--max-missing F]';
