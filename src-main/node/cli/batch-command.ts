/**
 * `hms batch <folder|list.txt> --model m.onnx --out <results>`: a timeline for every recording of
 * an archive, with a summary.csv; on this machine's cores, or with `--queue` through a BullMQ
 * queue on Redis that `hms worker` processes on any number of machines serve. Run again, it
 * skips what is done. `hms batch --status` says where a batch (or a queue) stands.
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { PREPROCESS_PRESETS } from '../../core/model-info';
import type { JobSettings } from '../batch/job';
import { runLocal } from '../batch/local';
import { type BatchPlan, planBatch } from '../batch/plan';
import { batchSettings } from '../batch/settings';
import { connectRedis, queueStatus, queueUrlProblem, safeUrl } from '../batch/queue';
import { runOnQueue } from '../batch/queue-batch';
import { type BatchStatus, formatStatus, readLocalStatus } from '../batch/status';
import { flag, numberOption, stringOption, wholeNumberOption } from './args';
import { type CliIo, type Command, type ParsedArgs, UsageError } from './command';
import { maxMissingFromArgs } from './preprocess-options';
import { progressMeter } from './progress';

export const batchCommand: Command = {
  name: 'batch',
  summary: 'classify every recording of a folder or list into timelines and a summary.csv (resumable); locally, or through a Redis queue served by `hms worker`',
  usage:
    `hms batch <folder|list.txt> --model m.onnx --out <results> [--workers N | --queue redis://HOST:PORT [--attempts N]] [--stride S] [--threshold P] ` +
    `[--preset ${Object.keys(PREPROCESS_PRESETS).join('|')}] [--max-missing F] [--json]\n` +
    '       hms batch --status (--out <results> | --queue redis://HOST:PORT) [--json]',
  options: {
    model: { values: 1 },
    out: { values: 1 },
    workers: { values: 1 },
    queue: { values: 1 },
    attempts: { values: 1 },
    stride: { values: 1 },
    threshold: { values: 1 },
    preset: { values: 1 },
    'max-missing': { values: 1 },
    status: { values: 0 },
    json: { values: 0 },
  },
  async run(args, io) {
    const queue = stringOption(args, 'queue');
    const urlProblem = queue === undefined ? null : queueUrlProblem(queue);
    if (urlProblem) throw new UsageError(`--queue: ${urlProblem}`);
    if (flag(args, 'status')) return status(args, io, queue);
    const [input] = args.positional;
    if (!input || args.positional.length > 1) throw new UsageError('give one folder of recordings, or one .txt list of them');
    const modelPath = stringOption(args, 'model');
    if (!modelPath) throw new UsageError('--model <file.onnx> is required');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <results folder> is required');
    if (queue && args.options.has('workers')) throw new UsageError('--workers is for a local batch; with --queue, start `hms worker` processes');
    const settings = await settingsFromArgs(args, resolve(modelPath));
    const threshold = numberOption(args, 'threshold', 0.5)!;
    if (!(threshold >= 0 && threshold < 1)) throw new UsageError(`--threshold must be a probability from 0 to below 1, got ${threshold}`);
    // A queue that cannot be used is said before an archive is walked, which may take long.
    if (queue) (await connectRedis(queue)).disconnect();
    const plan = await planBatch({ input, out: resolve(out), settings, threshold });
    const workers = wholeNumberOption(args, 'workers', { min: 1 }, availableParallelism());
    const attempts = wholeNumberOption(args, 'attempts', { min: 1 }, 3);
    const where = plan.jobs.length === 0 ? '' : queue ? ` through ${safeUrl(queue)}` : ` on ${Math.min(workers, plan.jobs.length)} threads`;
    io.err(`${plan.book.total} recordings: ${plan.book.skipped} done before, ${plan.jobs.length} to classify${where}`);
    const meter = progressMeter('batch', 'recordings');
    const onStatus = (s: BatchStatus) => io.status(`${meter(plan.book.finished, plan.book.total, plan.book.skipped)}  running ${s.running}  failed ${s.failed}`);
    const final = queue
      ? await runOnQueue(plan, { url: queue, attempts, backoffMs: 5000, signal: io.signal, onStatus, onTrouble: io.err })
      : await runLocal(plan, { workers, signal: io.signal, onStatus });
    io.status('');
    return report(plan, final, args, io);
  },
};

async function settingsFromArgs(args: ParsedArgs, model: string): Promise<JobSettings> {
  const strideSec = numberOption(args, 'stride', 10)!;
  if (!(strideSec > 0)) throw new UsageError(`--stride must be a positive number of seconds, got ${strideSec}`);
  const preset = stringOption(args, 'preset');
  return (await batchSettings(model, { preset, strideSec, maxMissing: maxMissingFromArgs(args) })).settings;
}

async function report(plan: BatchPlan, final: BatchStatus, args: ParsedArgs, io: CliIo): Promise<number> {
  const { book } = plan;
  const summary = await book.writeSummary();
  const failures = book.failures();
  for (const f of failures) io.err(`failed: ${f.error}`);
  if (flag(args, 'json')) io.json({ out: book.out, summary, total: book.total, skipped: book.skipped, done: book.done, failed: book.failed, state: final.state });
  else io.out(`${book.out}: ${book.done} classified, ${book.skipped} done before, ${book.failed} failed, of ${book.total} → ${summary}`);
  if (final.state === 'stopped') {
    io.err(`stopped with ${book.total - book.finished} recordings to go; run the same command again to go on`);
    return 130;
  }
  if (failures.length) {
    io.err(`${failures.length} of ${book.total} recordings failed (their errors are in ${summary}); run the batch again to try them again`);
    return 1;
  }
  return 0;
}

async function status(args: ParsedArgs, io: CliIo, queue: string | undefined): Promise<number> {
  const out = stringOption(args, 'out');
  if (!queue === !out) throw new UsageError('--status needs either --out <results> (a local batch) or --queue redis://HOST:PORT');
  if (out) {
    const s = await readLocalStatus(resolve(out));
    if (flag(args, 'json')) io.json(s);
    else for (const line of formatStatus(s)) io.out(line);
    return 0;
  }
  const s = await queueStatus(queue!);
  if (flag(args, 'json')) io.json(s);
  else {
    for (const line of formatStatus(s.queue)) io.out(line);
    for (const b of s.batches) for (const line of formatStatus({ ...b, workers: [] }).slice(0, 2)) io.out(line);
  }
  return 0;
}
