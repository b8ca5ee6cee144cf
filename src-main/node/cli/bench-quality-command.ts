/** `hms bench quality`: the demo's recipe over several seeds, held-out KL against prior and floor (bench/quality-bench.ts). */
import { benchQuality, DEFAULT_QUALITY_SEEDS, qualityTable } from '../bench/quality-bench';
import { DEMO_TRAIN_MINUTES } from '../demo/recipe';
import { flag, numberOption } from './args';
import { type Command, type ParsedArgs, UsageError } from './command';

export const benchQualityCommand: Command = {
  name: 'bench quality',
  summary: `the demo's recipe per seed in a temporary folder: held-out KL, prior, floor, their ratios, epochs, seconds, and the verdict against ≤ 0.6× the prior`,
  usage: `hms bench quality [--seeds 0-4 | --seeds 0,2,7] [--minutes M (training per seed, default ${DEMO_TRAIN_MINUTES})] [--json]`,
  options: { json: { values: 0 }, seeds: { values: 1 }, minutes: { values: 1 } },
  async run(args, io) {
    const minutes = numberOption(args, 'minutes', DEMO_TRAIN_MINUTES)!;
    if (!(minutes > 0)) throw new UsageError('--minutes must be positive');
    const result = await benchQuality({
      seeds: seedsOption(args),
      trainSeconds: minutes * 60,
      signal: io.signal,
      onStatus: io.status,
      onSeed: (row) => io.err(`seed ${row.seed}: held-out KL ${row.kl.toFixed(3)}, ${row.klPerPrior.toFixed(2)}× the prior, in ${row.seconds.toFixed(0)} s`),
    });
    if (flag(args, 'json')) io.json(result);
    else for (const line of qualityTable(result)) io.out(line);
    return result.stopped ? 130 : 0;
  },
};

/** `0-4` (a range, both ends in), `0,2,7` (a list) or one seed; 0–4 when absent. */
function seedsOption(args: ParsedArgs): readonly number[] {
  const text = args.options.get('seeds')?.[0];
  if (text === undefined) return DEFAULT_QUALITY_SEEDS;
  const range = /^(\d+)-(\d+)$/.exec(text);
  const seeds = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : text.split(',').map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (!seeds.length || seeds.some((s) => !Number.isSafeInteger(s)))
    throw new UsageError(`--seeds must be a range like 0-4 or a list like 0,2,7 of whole numbers ≥ 0, got "${text}"`);
  return seeds;
}
