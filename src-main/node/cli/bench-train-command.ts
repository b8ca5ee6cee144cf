/** `hms bench train`: training speed on the reference net (docs/ARCHITECTURE.md §6) — numbers, never pass/fail. */
import { backendLine, TRAIN_DEVICES, TRAIN_ENGINES, type TrainEngine } from '../../core/training';
import { benchTrain, type EngineBench, type TrainBenchResult } from '../bench/train-bench';
import { flag, stringOption, wholeNumberOption } from './args';
import { type CliIo, type Command, UsageError } from './command';
import { deviceOption } from './train-command';

const ENGINE_CHOICES = [...TRAIN_ENGINES, 'both'];

export const benchTrainCommand: Command = {
  name: 'bench train',
  summary: 'training samples/s on the reference net (batch 32 × 18 × 2000) for each engine, taking turns in one run, with backend and threads',
  usage: `hms bench train [--steps N] [--engine ${ENGINE_CHOICES.join('|')}] [--device ${TRAIN_DEVICES.join('|')}] [--workers N] [--no-models] [--no-pytorch] [--json]`,
  options: {
    json: { values: 0 },
    steps: { values: 1 },
    workers: { values: 1 },
    engine: { values: 1 },
    device: { values: 1 },
    'no-models': { values: 0 },
    'no-pytorch': { values: 0 },
  },
  async run(args, io) {
    const steps = wholeNumberOption(args, 'steps', { min: 1 }, 20);
    const workers = wholeNumberOption(args, 'workers', { min: 1 });
    const engine = stringOption(args, 'engine') ?? 'both';
    if (!ENGINE_CHOICES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINE_CHOICES.join(', ')}`);
    const r = await benchTrain({
      steps,
      workers,
      device: deviceOption(args),
      engines: engine === 'both' ? [...TRAIN_ENGINES] : [engine as TrainEngine],
      signal: io.signal,
      models: !flag(args, 'no-models'),
      pytorch: !flag(args, 'no-pytorch'),
      onModel: (name) => io.status(`timing model ${name}…`),
      onStep: (done, total, ms) => io.status(`step ${done}/${total}  ${ms.toFixed(0)} ms`),
    });
    io.status('');
    if (flag(args, 'json')) io.json(benchJson(r));
    else report(r, io);
    return 0;
  },
};

const ratio = (r: TrainBenchResult) => (r.engines.length > 1 ? r.engines[0].trainSamplesPerSec / r.engines[1].trainSamplesPerSec : undefined);
/** The first engine's speed over PyTorch's (at its best), timed in the same turns; undefined without PyTorch. */
const vsPyTorch = (r: TrainBenchResult) => (r.pytorch && 'trainSamplesPerSec' in r.pytorch ? r.trainSamplesPerSec / r.pytorch.trainSamplesPerSec : undefined);
/** The same over PyTorch on glibc's default malloc. */
const vsDefaultMalloc = (r: TrainBenchResult) => (r.pytorchDefaultMalloc ? r.trainSamplesPerSec / r.pytorchDefaultMalloc.trainSamplesPerSec : undefined);

function benchJson(r: TrainBenchResult): object {
  return {
    trainSamplesPerSec: r.trainSamplesPerSec,
    backend: r.backend,
    device: r.device,
    threads: r.threads,
    workers: r.workers,
    medianStepMs: r.medianStepMs,
    engines: Object.fromEntries(
      r.engines.map((e) => [
        e.engine,
        { trainSamplesPerSec: e.trainSamplesPerSec, medianStepMs: e.medianStepMs, backend: e.backend.name, threads: e.backend.threads, workers: e.workers },
      ]),
    ),
    ...(ratio(r) !== undefined ? { ratio: ratio(r) } : {}),
    ...(r.pytorch ? { pytorch: r.pytorch } : {}),
    ...(vsPyTorch(r) !== undefined ? { vsPyTorch: vsPyTorch(r) } : {}),
    ...(r.pytorchDefaultMalloc ? { pytorchDefaultMalloc: r.pytorchDefaultMalloc, vsPyTorchDefaultMalloc: vsDefaultMalloc(r) } : {}),
    models: r.models,
  };
}

const engineLine = (e: EngineBench) => `${backendLine(e.backend)}${e.workers ? ` · ${e.workers} worker${e.workers === 1 ? '' : 's'}` : ''}`;

function report(r: TrainBenchResult, io: CliIo): void {
  const [first, second] = r.engines;
  io.out(`train: ${r.trainSamplesPerSec.toFixed(1)} samples/s (median ${r.medianStepMs.toFixed(1)} ms a step of ${r.batch}, ${r.steps} timed step${r.steps === 1 ? '' : 's'})`);
  io.out(`backend ${engineLine(first)}`);
  if (first.backend.fallback) io.out(`  ${first.backend.fallback}`);
  if (second) {
    io.out(`  beside ${engineLine(second)}: ${second.trainSamplesPerSec.toFixed(1)} samples/s (median ${second.medianStepMs.toFixed(1)} ms)`);
    io.out(`  ${first.engine} ÷ ${second.engine}: ${ratio(r)!.toFixed(2)}× (taking turns in this run)`);
  }
  if (r.pytorch && 'unavailable' in r.pytorch) io.out(`  PyTorch not timed: ${r.pytorch.unavailable}`);
  else if (r.pytorch) {
    io.out(
      `  beside PyTorch ${r.pytorch.version} · ${r.pytorch.threads} threads: ${r.pytorch.trainSamplesPerSec.toFixed(1)} samples/s (median ${r.pytorch.medianStepMs.toFixed(1)} ms)`,
    );
    io.out(`  ${first.engine} ÷ PyTorch: ${vsPyTorch(r)!.toFixed(2)}× (taking turns in this run)`);
  }
  if (r.pytorchDefaultMalloc) {
    const { trainSamplesPerSec, medianStepMs } = r.pytorchDefaultMalloc;
    io.out(`  beside the same PyTorch on glibc's default malloc: ${trainSamplesPerSec.toFixed(1)} samples/s (median ${medianStepMs.toFixed(1)} ms)`);
    io.out(`  ${first.engine} ÷ PyTorch on default malloc: ${vsDefaultMalloc(r)!.toFixed(2)}×`);
  }
  for (const [name, rates] of Object.entries(r.models)) {
    const parts = Object.entries(rates).map(([engine, rate]) => `${engine} ${rate!.toFixed(1)}`);
    io.out(`  model ${name}: ${parts.join(', ')} samples/s`);
  }
}
