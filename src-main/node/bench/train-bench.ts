/**
 * Training speed on the reference net (docs/ARCHITECTURE.md §6: batch 32 × 18 × 2000, KL on
 * softmax, Adam 1e-3), comparable with `shared/bench/torch_reference.py`: a few warm-up steps, then the median
 * of timed steps. Random inputs are enough — speed does not depend on the values.
 */
import { MODELS } from '../../core/model-zoo';
import { describeModel, type ModelSpec, REFERENCE_NET } from '../../core/models';
import { Random } from '../../core/random';
import type { BackendInfo } from '../../core/training';
import { startTrainer } from '../train/trainer';

export interface TrainBenchOptions {
  steps?: number;
  warmup?: number;
  batch?: number;
  /** Worker threads on wasm; all cores when absent. */
  workers?: number;
  native?: boolean;
  signal?: AbortSignal;
  onStep?: (done: number, total: number, ms: number) => void;
  /** Also time every shipped model (a few steps each at a batch its size allows). */
  models?: boolean;
  onModel?: (name: string) => void;
}

/** Batch and timed steps per shipped model: the notebook's are slow (a 99M-weight MLP; an LSTM over 2,500 steps). */
const MODEL_BENCH: Record<string, { batch: number; steps: number }> = { chainnet: { batch: 32, steps: 5 }, convmodel: { batch: 8, steps: 2 }, convlstm: { batch: 8, steps: 2 } };

export interface TrainBenchResult {
  trainSamplesPerSec: number;
  backend: BackendInfo['name'];
  device: BackendInfo['device'];
  threads: number;
  workers: number;
  batch: number;
  steps: number;
  medianStepMs: number;
  /** Samples/s for each shipped model, by name. */
  models: Record<string, number>;
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
  const { steps = 20, warmup = 3, batch = 32, signal, onStep } = options;
  const trainer = await startTrainer({ spec: REFERENCE_NET, seed: 0, maxBatch: batch, workers: options.workers, native: options.native });
  const times: number[] = [];
  try {
    const { x, y } = syntheticBatch(REFERENCE_NET, batch, 1);
    for (let i = 0; i < warmup + steps && !signal?.aborted; i++) {
      const t0 = performance.now();
      await trainer.step(x, y, batch);
      const ms = performance.now() - t0;
      if (i >= warmup) times.push(ms);
      onStep?.(i + 1, warmup + steps, ms);
    }
  } finally {
    await trainer.close();
  }
  if (!times.length) throw new Error('the benchmark was stopped before its first timed step');
  const medianStepMs = median(times);
  const models: Record<string, number> = {};
  for (const spec of options.models ? MODELS : []) {
    if (signal?.aborted) break;
    options.onModel?.(spec.name);
    models[spec.name] = await modelSamplesPerSec(spec, MODEL_BENCH[spec.name] ?? { batch: 16, steps: 3 }, options);
  }
  return {
    trainSamplesPerSec: (batch / medianStepMs) * 1000,
    backend: trainer.backend.name,
    device: trainer.backend.device,
    threads: trainer.backend.threads,
    workers: trainer.workers,
    batch,
    steps: times.length,
    medianStepMs,
    models,
  };
}

async function modelSamplesPerSec(spec: ModelSpec, { batch, steps }: { batch: number; steps: number }, options: TrainBenchOptions): Promise<number> {
  const trainer = await startTrainer({ spec, seed: 0, maxBatch: batch, workers: options.workers, native: options.native });
  try {
    const { x, y } = syntheticBatch(spec, batch, 1);
    await trainer.step(x, y, batch);
    const times: number[] = [];
    for (let i = 0; i < steps && !options.signal?.aborted; i++) {
      const t0 = performance.now();
      await trainer.step(x, y, batch);
      times.push(performance.now() - t0);
    }
    return times.length ? (batch / median(times)) * 1000 : NaN;
  } finally {
    await trainer.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
