/**
 * Training speed on the reference net (docs/ARCHITECTURE.md §6: batch 32 × 18 × 2000, KL on
 * softmax, Adam 1e-3), comparable with `shared/bench/torch_reference.py`: a few warm-up steps, then the median
 * of timed steps, for each engine asked, taking turns within one run so their ratio holds on a
 * noisy machine. Random inputs are enough — speed does not depend on the values.
 */
import { availableParallelism } from 'node:os';
import { MODELS } from '../../core/model-zoo';
import { describeModel, type ModelSpec, REFERENCE_NET } from '../../core/models';
import { Random } from '../../core/random';
import { type BackendInfo, type TrainDevice, TRAIN_ENGINES, type TrainEngine } from '../../core/training';
import { unsupportedReason } from '../train/ort/compile';
import { startTrainer } from '../train/trainer';
import { type PyTorchReference, startPyTorchReference } from './pytorch-reference';
import type { Trainer } from '../train/trainer-interface';
import { median } from './median';

export interface TrainBenchOptions {
  steps?: number;
  warmup?: number;
  batch?: number;
  /** Worker threads on wasm; all cores when absent. */
  workers?: number;
  native?: boolean;
  /** Engines to time, alternating within one run; the first is the one reported at the top. Both when absent. */
  engines?: TrainEngine[];
  /** Where onnxruntime trains; the CPU when absent. */
  device?: TrainDevice;
  signal?: AbortSignal;
  onStep?: (done: number, total: number, ms: number) => void;
  /** Also time every shipped model (a few steps each at a batch its size allows). */
  models?: boolean;
  onModel?: (name: string) => void;
  /**
   * Time PyTorch on the reference net too, taking turns with the engines (when a python with
   * torch is found): at its best (large buffers kept in the heap), and on glibc's default malloc.
   */
  pytorch?: boolean;
}

/** Batch and timed steps per shipped model: the notebook's are slow (a 99M-weight MLP; an LSTM over 2,500 steps). */
const MODEL_BENCH: Record<string, { batch: number; steps: number }> = { chainnet: { batch: 32, steps: 5 }, convmodel: { batch: 8, steps: 2 }, convlstm: { batch: 8, steps: 2 } };

/** Timed steps per turn of one engine before the next takes over: short turns, so load on a shared machine falls on all alike. */
const TURN = 5;

export interface EngineBench {
  engine: TrainEngine;
  trainSamplesPerSec: number;
  medianStepMs: number;
  backend: BackendInfo;
  workers: number;
}

export interface TrainBenchResult {
  trainSamplesPerSec: number;
  backend: BackendInfo['name'];
  device: BackendInfo['device'];
  threads: number;
  workers: number;
  batch: number;
  steps: number;
  medianStepMs: number;
  /** Every engine timed, in the order asked; the first is the one above. */
  engines: EngineBench[];
  /** Samples/s for each shipped model, by name, then by engine (absent where the engine falls back to another). */
  models: Record<string, Partial<Record<TrainEngine, number>>>;
  /** PyTorch on the reference net at its best (malloc tuned), timed in the same turns; or why it was not. Absent when not asked. */
  pytorch?: PyTorchBench | { unavailable: string };
  /** The same PyTorch on glibc's default malloc, in the same turns: present when the tuned one ran. */
  pytorchDefaultMalloc?: PyTorchBench;
}

export interface PyTorchBench {
  trainSamplesPerSec: number;
  medianStepMs: number;
  version: string;
  threads: number;
}

/** Inputs ~ N(0, 1) and targets the softmax of N(0, 1) logits: [rows, samples, channels], [rows, classes]. */
export function syntheticBatch(spec: ModelSpec, rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const classes = describeModel(spec).outputShape[0];
  const x = Float32Array.from({ length: rows * spec.input.samples * spec.input.channels }, () => rng.normal());
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const row = y.subarray(r * classes, (r + 1) * classes);
    row.forEach((_, k) => (row[k] = Math.exp(rng.normal())));
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((v, k) => (row[k] = v / total));
  }
  return { x, y };
}

export async function benchTrain(options: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const { steps = 20, warmup = 3, batch = 32, engines = [...TRAIN_ENGINES] } = options;
  const torch = options.pytorch ? await startPyTorchReference(availableParallelism()) : undefined;
  const reference = torch && 'time' in torch ? torch : undefined;
  const untuned = reference && (await startPyTorchReference(availableParallelism(), undefined, 'default'));
  const references = [reference, untuned && 'time' in untuned ? untuned : undefined].filter((r) => r !== undefined);
  let timed: Awaited<ReturnType<typeof timeEngines>>;
  try {
    timed = await timeEngines(REFERENCE_NET, engines, { batch, steps, warmup, turn: TURN }, options, references);
  } finally {
    for (const r of references) r.close();
  }
  const { trainers, times, referenceTimes } = timed;
  if (!times[0]?.length) throw new Error('the benchmark was stopped before its first timed step');
  const results: EngineBench[] = trainers.map((backend, e) => {
    const medianStepMs = median(times[e]);
    return { engine: engines[e], trainSamplesPerSec: (batch / medianStepMs) * 1000, medianStepMs, ...backend };
  });
  const models = options.models ? await modelRates(engines, options) : {};
  const [first] = results;
  const { name, device, threads } = first.backend;
  const [tuned, defaultMalloc] = references.map((r, i): PyTorchBench => {
    const medianStepMs = median(referenceTimes[i]);
    return { trainSamplesPerSec: (batch / medianStepMs) * 1000, medianStepMs, version: r.version, threads: r.threads };
  });
  const pytorch = torch && 'unavailable' in torch ? torch : tuned;
  return {
    ...first,
    backend: name,
    device,
    threads,
    batch,
    steps: times[0].length,
    engines: results,
    models,
    ...(pytorch ? { pytorch } : {}),
    ...(defaultMalloc ? { pytorchDefaultMalloc: defaultMalloc } : {}),
  };
}

interface Timing {
  batch: number;
  steps: number;
  warmup: number;
  /** Timed steps an engine takes before the next takes over. */
  turn: number;
}

/**
 * Each engine's step times on `spec`, taking turns (each PyTorch reference's too, on the
 * reference net, when given), so that whatever else loads the machine meanwhile slows every
 * engine alike; the trainers' backends, as they started.
 */
async function timeEngines(
  spec: ModelSpec,
  engines: TrainEngine[],
  { batch, steps, warmup, turn }: Timing,
  options: TrainBenchOptions,
  references: PyTorchReference[] = [],
): Promise<{ trainers: Pick<EngineBench, 'backend' | 'workers'>[]; times: number[][]; referenceTimes: number[][] }> {
  const { signal, onStep } = options;
  const trainers: Trainer[] = [];
  const times: number[][] = engines.map(() => []);
  const referenceTimes: number[][] = references.map(() => []);
  try {
    for (const engine of engines)
      trainers.push(await startTrainer({ spec, seed: 0, maxBatch: batch, workers: options.workers, native: options.native, engine, device: options.device }));
    const { x, y } = syntheticBatch(spec, batch, 1);
    for (const trainer of trainers) for (let i = 0; i < warmup && !signal?.aborted; i++) await trainer.step(x, y, batch);
    for (const reference of references) for (let i = 0; i < warmup; i++) await reference.time('train');
    let done = 0;
    for (let start = 0; start < steps && !signal?.aborted; start += turn) {
      for (const [e, trainer] of trainers.entries()) {
        for (let i = start; i < Math.min(steps, start + turn) && !signal?.aborted; i++) {
          const t0 = performance.now();
          await trainer.step(x, y, batch);
          times[e].push(performance.now() - t0);
          onStep?.(++done, steps * trainers.length, times[e].at(-1)!);
        }
      }
      for (const [r, reference] of references.entries())
        for (let i = start; i < Math.min(steps, start + turn) && !signal?.aborted; i++) referenceTimes[r].push(await reference.time('train'));
    }
    return { trainers: trainers.map((t) => ({ backend: t.backend, workers: t.workers })), times, referenceTimes };
  } finally {
    await Promise.all(trainers.map((t) => t.close()));
  }
}

/** Each shipped model on each engine that can train it, taking turns step by step. */
async function modelRates(engines: TrainEngine[], options: TrainBenchOptions): Promise<TrainBenchResult['models']> {
  const models: TrainBenchResult['models'] = {};
  for (const spec of MODELS) {
    if (options.signal?.aborted) break;
    const able = engines.filter((engine) => engine !== 'onnxruntime' || !unsupportedReason(spec));
    options.onModel?.(spec.name);
    const { batch, steps } = MODEL_BENCH[spec.name] ?? { batch: 16, steps: 3 };
    const { times } = await timeEngines(spec, able, { batch, steps, warmup: 1, turn: 1 }, { ...options, onStep: undefined });
    models[spec.name] = Object.fromEntries(able.flatMap((engine, e) => (times[e].length ? [[engine, (batch / median(times[e])) * 1000]] : [])));
  }
  return models;
}
