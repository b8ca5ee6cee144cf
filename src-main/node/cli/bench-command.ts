/**
 * `hms bench <preprocess|generate|viewer|train|infer|batch|all> [--files N] [--threads N] [--json]`:
 * speed numbers, never pass/fail. --files sizes the preprocess and batch benches, --threads the
 * preprocess one; `all` runs every bench in turn, training with its defaults. `hms bench train`
 * alone is a sub-command with options of its own (bench-train-command.ts).
 */
import { benchBatch } from '../bench/batch-bench';
import { benchGenerate } from '../bench/generate-bench';
import { benchInfer } from '../bench/infer-bench';
import { benchPreprocess } from '../bench/preprocess-bench';
import { benchTrain } from '../bench/train-bench';
import { benchViewer } from '../bench/viewer-bench';
import { flag, wholeNumberOption } from './args';
import { benchTrainCommand } from './bench-train-command';
import { type Command, UsageError } from './command';

type Bench = (args: { files?: number; threads?: number }) => Promise<Record<string, unknown>>;

const BENCHES: Record<string, Bench> = {
  preprocess: async ({ files, threads }) => ({ ...(await benchPreprocess(files, threads)) }),
  generate: async () => ({ ...(await benchGenerate()) }),
  viewer: async () => benchViewer(),
  train: async () => ({ ...(await benchTrain({ models: true })) }),
  infer: async () => ({ ...(await benchInfer()) }),
  batch: async ({ files }) => ({ ...(await benchBatch(files)) }),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `measure speed: ${Object.keys(BENCHES).join(', ')}, or all`,
  usage: `hms bench <${[...Object.keys(BENCHES), 'all'].join('|')}> [--files N] [--threads N] [--json]`,
  options: { json: { values: 0 }, files: { values: 1 }, threads: { values: 1 } },
  subcommands: [benchTrainCommand],
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
