/** `hms bench transfer`: the demo's recipe at one variety, its run scored on a wider set of another seed (bench/transfer-bench.ts). */
import { benchTransfer, DEFAULT_TRANSFER, transferTable } from '../bench/transfer-bench';
import { DEMO_TRAIN_MINUTES } from '../demo/recipe';
import { MAX_VARIETY } from '../generate/variety';
import { flag, numberOption, wholeNumberOption } from './args';
import { type Command, type ParsedArgs, UsageError } from './command';

export const benchTransferCommand: Command = {
  name: 'bench transfer',
  summary: `the demo's recipe at one variety, then its model scored on a wider-variety set of another seed: KL, prior, floor, KL/prior, and the verdict against ≤ 0.6× the prior`,
  usage: `hms bench transfer [--seed S (${DEFAULT_TRANSFER.seed})] [--variety V (${DEFAULT_TRANSFER.variety})] [--test-seed S (${DEFAULT_TRANSFER.testSeed})] [--test-variety V (${DEFAULT_TRANSFER.testVariety})] [--minutes M (${DEMO_TRAIN_MINUTES})] [--json]`,
  options: { json: { values: 0 }, seed: { values: 1 }, variety: { values: 1 }, 'test-seed': { values: 1 }, 'test-variety': { values: 1 }, minutes: { values: 1 } },
  async run(args, io) {
    const minutes = numberOption(args, 'minutes', DEMO_TRAIN_MINUTES)!;
    if (!(minutes > 0)) throw new UsageError('--minutes must be positive');
    const result = await benchTransfer({
      seed: wholeNumberOption(args, 'seed', { min: 0 }, DEFAULT_TRANSFER.seed),
      variety: varietyOption(args, 'variety', DEFAULT_TRANSFER.variety),
      testSeed: wholeNumberOption(args, 'test-seed', { min: 0 }, DEFAULT_TRANSFER.testSeed),
      testVariety: varietyOption(args, 'test-variety', DEFAULT_TRANSFER.testVariety),
      trainSeconds: minutes * 60,
      signal: io.signal,
      onStatus: io.status,
    });
    if (!result) {
      io.err('stopped before the model was scored on the other set');
      return 130;
    }
    if (flag(args, 'json')) io.json(result);
    else for (const line of transferTable(result)) io.out(line);
    return 0;
  },
};

function varietyOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = numberOption(args, name, fallback)!;
  if (!(v >= 0 && v <= MAX_VARIETY)) throw new UsageError(`--${name} must be a number from 0 to ${MAX_VARIETY}`);
  return v;
}
