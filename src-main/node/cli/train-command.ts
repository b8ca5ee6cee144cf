/**
 * `hms train <folder|cache> --out <runDir>`: trains in a child process with a live progress line,
 * one line per epoch, and the held-out fold's evaluation at the end. Ctrl-C stops after the
 * current step keeping the best checkpoint; the same command again resumes. `--fold all`
 * cross-validates: one run per fold in `<runDir>/fold-N`, then all held-out windows scored as one.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { poolEvaluations } from '../../core/evaluation';
import { MODELS } from '../../core/model-zoo';
import {
  backendLine,
  DEFAULT_TRAIN_CONFIG,
  STAGE_NAMES,
  type StageName,
  TRAIN_DEVICES,
  TRAIN_ENGINES,
  type TrainConfig,
  type TrainDevice,
  type TrainEngine,
  type TrainResult,
} from '../../core/training';
import { buildCache } from '../cache/build';
import { MANIFEST_FILE } from '../cache/build';
import { startTrainingProcess } from '../train/process';
import { flag, numberOption, stringOption, wholeNumberOption } from './args';
import { type CliIo, type Command, UsageError } from './command';
import { formatDuration, progressBar, progressMeter } from './progress';
import { crossValidationJson, formatEvaluation, formatMetrics, restartLine, summaryJson } from './train-report';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a six-class model on a dataset folder or cache, in its own process (resumable)',
  usage:
    `hms train <folder|cache> --out <runDir> [--model ${MODELS.map((m) => m.name).join('|')}] [--epochs N] [--folds K] [--fold I|all] ` +
    `[--stage ${STAGE_NAMES.join('|')}[,…]] [--batch N] [--lr X] [--patience N] [--minutes M] [--seed S] [--no-augment] [--engine ${TRAIN_ENGINES.join('|')}] [--device ${TRAIN_DEVICES.join('|')}] [--workers N] [--memory-budget MB] [--cache DIR] [--json]`,
  options: {
    out: { values: 1 },
    model: { values: 1 },
    epochs: { values: 1 },
    folds: { values: 1 },
    fold: { values: 1 },
    stage: { values: 1 },
    batch: { values: 1 },
    lr: { values: 1 },
    patience: { values: 1 },
    minutes: { values: 1 },
    seed: { values: 1 },
    'no-augment': { values: 0 },
    workers: { values: 1 },
    'memory-budget': { values: 1 },
    engine: { values: 1 },
    device: { values: 1 },
    cache: { values: 1 },
    json: { values: 0 },
  },
  async run(args, io) {
    const [data] = args.positional;
    if (!data || args.positional.length > 1) throw new UsageError('give one dataset folder or cache');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <runDir> is required');
    const runDir = resolve(out);
    const config = configFromArgs(args);
    const cacheDir = await cacheFor(resolve(data), resolve(stringOption(args, 'cache') ?? join(runDir, 'cache')), io);
    if (!cacheDir) return 130;
    if (stringOption(args, 'fold') !== 'all') {
      const result = await train({ ...config, cacheDir }, runDir, io);
      if (flag(args, 'json')) io.json(summaryJson(result));
      return result.status === 'cancelled' ? 130 : 0;
    }
    const results: TrainResult[] = [];
    for (let fold = 0; fold < config.folds; fold++) {
      const result = await train({ ...config, cacheDir, fold }, join(runDir, `fold-${fold + 1}`), io);
      results.push(result);
      if (result.status === 'cancelled') return 130;
    }
    const pooled = poolEvaluations(results.flatMap((r) => (r.evaluation ? [r.evaluation] : [])));
    io.out(`cross-validation, ${config.folds} folds (every patient held out once), all held-out windows:`);
    for (const line of formatMetrics(pooled)) io.out(line);
    if (flag(args, 'json')) io.json(crossValidationJson(runDir, results, pooled));
    return 0;
  },
};

function configFromArgs(args: Parameters<Command['run']>[0]): Omit<TrainConfig, 'cacheDir'> {
  const d = DEFAULT_TRAIN_CONFIG;
  const model = stringOption(args, 'model') ?? d.model;
  if (!MODELS.some((m) => m.name === model)) throw new UsageError(`--model must be one of ${MODELS.map((m) => m.name).join(', ')}`);
  const stages = (stringOption(args, 'stage')?.split(',') ?? d.stages) as StageName[];
  const unknown = stages.find((s) => !STAGE_NAMES.includes(s));
  if (unknown) throw new UsageError(`--stage takes ${STAGE_NAMES.join(', ')} (comma-separated, in order); "${unknown}" is none of them`);
  const folds = wholeNumberOption(args, 'folds', { min: 2 }, d.folds);
  const foldOption = stringOption(args, 'fold');
  const fold = foldOption === 'all' ? 0 : Number(foldOption ?? d.fold);
  if (!(Number.isInteger(fold) && fold >= 0 && fold < folds)) throw new UsageError(`--fold takes a fold from 0 to ${folds - 1}, or all; "${foldOption}" is neither`);
  const lr = numberOption(args, 'lr', d.lr)!;
  if (!(lr > 0 && lr < 1)) throw new UsageError('--lr must be between 0 and 1');
  const minutes = numberOption(args, 'minutes');
  if (minutes !== undefined && !(minutes > 0)) throw new UsageError('--minutes must be a positive number');
  const workers = wholeNumberOption(args, 'workers', { min: 1 });
  const memoryBudgetMb = wholeNumberOption(args, 'memory-budget', { min: 1 });
  const engine = stringOption(args, 'engine') as TrainEngine | undefined;
  if (engine !== undefined && !TRAIN_ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${TRAIN_ENGINES.join(', ')}`);
  const device = deviceOption(args);
  return {
    model,
    epochs: wholeNumberOption(args, 'epochs', { min: 1 }, d.epochs),
    folds,
    fold,
    stages,
    batch: wholeNumberOption(args, 'batch', { min: 1 }, d.batch),
    lr,
    seed: wholeNumberOption(args, 'seed', { min: 0 }, d.seed),
    patience: wholeNumberOption(args, 'patience', { min: 1 }, d.patience),
    augment: !flag(args, 'no-augment'),
    ...(minutes !== undefined ? { timeLimitSec: minutes * 60 } : {}),
    ...(workers ? { workers } : {}),
    ...(memoryBudgetMb ? { memoryBudgetMb } : {}),
    ...(engine ? { engine } : {}),
    ...(device ? { device } : {}),
  };
}

/** `--device`, checked; undefined when not given. */
export function deviceOption(args: Parameters<Command['run']>[0]): TrainDevice | undefined {
  const device = stringOption(args, 'device') as TrainDevice | undefined;
  if (device !== undefined && !TRAIN_DEVICES.includes(device)) throw new UsageError(`--device must be one of ${TRAIN_DEVICES.join(', ')}`);
  return device;
}

/** A cache as given, or one built (resumably) from a dataset folder; null when cancelled. */
async function cacheFor(data: string, cacheDir: string, io: CliIo): Promise<string | null> {
  if (
    await access(join(data, MANIFEST_FILE)).then(
      () => true,
      () => false,
    )
  )
    return data;
  const meter = progressMeter('preprocess', 'files');
  const built = await buildCache(data, cacheDir, { signal: io.signal, onProgress: (p) => io.status(meter(p.done, p.total, p.resumed)) });
  io.status('');
  if (!built.manifest) {
    io.err('cancelled while preprocessing; run the same command again to resume');
    return null;
  }
  for (const s of built.manifest.skipped) io.err(`skipped ${s.file}: ${s.reason}`);
  return cacheDir;
}

export async function train(config: TrainConfig, runDir: string, io: CliIo): Promise<TrainResult> {
  const proc = startTrainingProcess(config, runDir, (e) => {
    switch (e.type) {
      case 'started':
        io.out(
          `training ${config.model} (${e.parameters.toLocaleString('en')} weights) on ${backendLine(e.backend)}${e.backend.fallback ? ` (${e.backend.fallback})` : ''}: ` +
            `${e.trainWindows} windows, ${e.valWindows} held out (fold ${config.fold + 1} of ${config.folds}, by patient)` +
            (e.resumedFromEpoch ? `; resuming after epoch ${e.resumedFromEpoch}` : ''),
        );
        break;
      case 'progress':
        io.status(
          `${e.stage} epoch ${e.epoch} ${progressBar(e.step, e.steps, 16)} loss ${e.loss.toFixed(4)}  ${e.samplesPerSec.toFixed(0)} samples/s  ETA ${formatDuration(e.etaSec)}`,
        );
        break;
      case 'epoch': {
        const r = e.record;
        io.status('');
        io.out(
          `${r.stage} epoch ${String(r.epoch).padStart(3)}  loss ${r.trainLoss.toFixed(4)}  val KL ${r.valKL.toFixed(4)} (≥10 raters ${r.valKL10.toFixed(4)})  ${r.seconds.toFixed(1)}s${e.best ? '  best' : ''}`,
        );
        break;
      }
      case 'restart': {
        io.status('');
        io.out(restartLine(e.restart, e.restartsLeft));
        break;
      }
    }
  });
  const onAbort = () => proc.cancel();
  io.signal.addEventListener('abort', onAbort);
  try {
    const result = await proc.done;
    io.status('');
    if (result.status === 'cancelled')
      io.err(`cancelled after epoch ${result.epochs}; the best checkpoint (epoch ${result.bestEpoch}) is kept — run the same command again to resume`);
    for (const line of formatEvaluation(result)) io.out(line);
    return result;
  } finally {
    io.signal.removeEventListener('abort', onAbort);
  }
}
