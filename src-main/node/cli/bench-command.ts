/**
 * `hms bench <preprocess|generate|viewer|train|infer|batch|scale|quality|transfer|all> [--files N] [--threads N] [--json]`:
 * speed numbers, never pass/fail (scale: training RSS and samples/s as the cache grows, and a day-long EDF), the demo's
 * quality over seeds 0–4, and its transfer to a wider set. --files sizes the preprocess and batch
 * benches, --threads the preprocess one; `all` runs every bench in turn, training, quality and
 * transfer with their defaults. `hms bench train`, `hms bench quality` and `hms bench transfer`
 * alone are sub-commands with options of their own (bench-train-command.ts,
 * bench-quality-command.ts, bench-transfer-command.ts).
 */
import { benchBatch } from '../bench/batch-bench';
import { benchEdfDay } from '../bench/edf-day-bench';
import { benchGenerate } from '../bench/generate-bench';
import { benchInfer } from '../bench/infer-bench';
import { benchPreprocess, benchPreprocessAtScale } from '../bench/preprocess-bench';
import { benchQuality, DEFAULT_QUALITY_SEEDS } from '../bench/quality-bench';
import { benchScale } from '../bench/scale-bench';
import { benchTrain } from '../bench/train-bench';
import { benchTransfer, DEFAULT_TRANSFER } from '../bench/transfer-bench';
import { benchViewer } from '../bench/viewer-bench';
import { DEMO_TRAIN_MINUTES } from '../demo/recipe';
import { flag, wholeNumberOption } from './args';
import { benchQualityCommand } from './bench-quality-command';
import { benchTrainCommand } from './bench-train-command';
import { benchTransferCommand } from './bench-transfer-command';
import { type Command, UsageError } from './command';

type Bench = (args: { files?: number; threads?: number }) => Promise<Record<string, unknown>>;

const BENCHES: Record<string, Bench> = {
  preprocess: async ({ files, threads }) => ({ ...(await benchPreprocess(files, threads)) }),
  generate: async () => ({ ...(await benchGenerate()) }),
  viewer: async () => benchViewer(),
  train: async () => ({ ...(await benchTrain({ models: true, pytorch: true })) }),
  infer: async () => ({ ...(await benchInfer()) }),
  batch: async ({ files }) => ({ ...(await benchBatch(files)) }),
  // Training's memory and speed as the cache grows, preprocessing the competition's 17,001 files, then the day-long EDF's open, timeline and memory.
  scale: async ({ threads }) => ({ ...(await benchScale()), ...(await benchPreprocessAtScale({ threads })), ...(await benchEdfDay()) }),
  // In one line: each seed's KL/prior and the verdict; `hms bench quality` prints the whole table.
  quality: async () => {
    const r = await benchQuality({ seeds: DEFAULT_QUALITY_SEEDS, trainSeconds: DEMO_TRAIN_MINUTES * 60 });
    return { minutes: r.trainSeconds / 60, klPerPrior: r.seeds.map((s) => Number(s.klPerPrior.toFixed(3))), worstKLPerPrior: r.worstKLPerPrior, goalMet: r.goalMet };
  },
  // In one line: KL/prior on the training set's held-out fold and on the wider set; `hms bench transfer` prints the table.
  transfer: async () => {
    const r = await benchTransfer({ ...DEFAULT_TRANSFER, trainSeconds: DEMO_TRAIN_MINUTES * 60 });
    if (!r) return { stopped: true };
    return { minutes: r.trainSeconds / 60, heldOutKLPerPrior: r.heldOut.klPerPrior, transferKLPerPrior: r.transfer.klPerPrior, transferKL: r.transfer.kl, goalMet: r.goalMet };
  },
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `measure speed: ${Object.keys(BENCHES).join(', ')}, or all`,
  usage: `hms bench <${[...Object.keys(BENCHES), 'all'].join('|')}> [--files N] [--threads N] [--json]`,
  options: { json: { values: 0 }, files: { values: 1 }, threads: { values: 1 } },
  subcommands: [benchTrainCommand, benchQualityCommand, benchTransferCommand],
  async run(args, io) {
    const [which] = args.positional;
    const names = which === 'all' ? Object.keys(BENCHES) : [which];
    if (!which || names.some((n) => !BENCHES[n])) throw new UsageError(`choose one of ${[...Object.keys(BENCHES), 'all'].join(', ')}`);
    const results: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      io.err(`bench ${name}…`);
      results[name] = await BENCHES[name]({ files: wholeNumberOption(args, 'files', { min: 1 }), threads: wholeNumberOption(args, 'threads', { min: 1 }) });
      if (!flag(args, 'json')) io.out(`${name}: ${format(results[name])}`);
    }
    if (flag(args, 'json')) io.json(which === 'all' ? results : results[which]);
    return 0;
  },
};

function format(r: Record<string, unknown>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : JSON.stringify(v)}`)
    .join('  ');
}
