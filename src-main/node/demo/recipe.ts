/**
 * The demo's recipe, the part that decides how good its model is: the built-in dataset of one seed,
 * preprocessed, and the default model trained on it within a time budget with fold 1's patients
 * held out, then scored there against the prior and the floor. The demo goes on from here to export
 * and classify; `hms bench quality` runs only this, seed after seed, so it measures what the demo ships.
 */
import { join } from 'node:path';
import type { Evaluation } from '../../core/evaluation';
import { DEFAULT_TRAIN_CONFIG, type TrainEvent, type TrainResult } from '../../core/training';
import { buildCache, type CacheManifest } from '../cache/build';
import { generateDataset, type GenerateSummary } from '../generate/dataset';
import { startTrainingProcess } from '../train/process';

/**
 * One fold, one model, at most 5 minutes: over seeds 0–4 this ends at 0.17–0.47× the prior's
 * held-out KL (`hms bench quality`, onnxruntime, 2 cores: 54–150 epochs in 109–315 s), so the 5
 * folds or an ensemble would cost 5× the time for a goal already met.
 */
export const DEMO_TRAIN_MINUTES = 5;

export const DEMO_STEPS = 6;

export interface RecipeOptions {
  /** The folder the data, the cache and the run go into. */
  out: string;
  seed: number;
  /** The built-in dataset's variety (generate/variety.ts); its default when absent. */
  variety?: number;
  /** Training budget in seconds. */
  trainSeconds: number;
  signal?: AbortSignal;
  say: (line: string) => void;
  status: (line: string) => void;
  onTrainEvent?: (event: TrainEvent) => void;
  /** Each step's seconds, by name, are added here. */
  timings?: Record<string, number>;
}

export interface RecipeResult {
  data: string;
  dataset: GenerateSummary;
  manifest: CacheManifest;
  runDir: string;
  trained: TrainResult;
  evaluation: Evaluation;
}

/** Steps 1–3 of the demo; null when stopped (the signal) before a model was evaluated. */
export async function runRecipe(o: RecipeOptions): Promise<RecipeResult | null> {
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await work();
    if (o.timings) o.timings[name] = (performance.now() - t0) / 1000;
    return r;
  };
  const data = join(o.out, 'data');
  o.say(`1/${DEMO_STEPS} generating the built-in dataset (seed ${o.seed}) in ${data}`);
  const dataset = await timed('generate', () =>
    generateDataset({ out: data, seed: o.seed, variety: o.variety, signal: o.signal, onProgress: (d, t) => o.status(`  generate ${d}/${t} patients`) }),
  );
  o.status('');
  o.say(`    ${dataset.windows} windows, ${dataset.patients} patients; floor KL ${dataset.floorKL.toFixed(3)}, prior KL ${dataset.priorKL.toFixed(3)}`);

  o.say(`2/${DEMO_STEPS} preprocessing (bipolar, 0.5–20 Hz, ±1024 µV)`);
  const cacheDir = join(o.out, 'cache');
  const cache = await timed('preprocess', () => buildCache(data, cacheDir, { signal: o.signal, onProgress: (p) => o.status(`  preprocess ${p.done}/${p.total} EEGs`) }));
  o.status('');
  if (!cache.manifest || o.signal?.aborted) return null;

  const runDir = join(o.out, 'run');
  const config = { ...DEFAULT_TRAIN_CONFIG, cacheDir, timeLimitSec: o.trainSeconds };
  o.say(`3/${DEMO_STEPS} training ${config.model} on the CPU for at most ${formatMinutes(o.trainSeconds)} (held-out patients: fold ${config.fold + 1} of ${config.folds})`);
  const proc = startTrainingProcess(config, runDir, (e) => o.onTrainEvent?.(e));
  const onAbort = () => proc.cancel();
  o.signal?.addEventListener('abort', onAbort);
  let trained: TrainResult;
  try {
    trained = await timed('train', () => proc.done);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (!trained.evaluation) return null;
  o.say(`    ${trained.epochs} epochs in ${trained.seconds.toFixed(0)} s, best ${trained.bestEpoch}; on the ${trained.valWindows} held-out windows:`);
  for (const line of heldOutLines(trained.evaluation)) o.say(`    ${line}`);
  return { data, dataset, manifest: cache.manifest, runDir, trained, evaluation: trained.evaluation };
}

/** A figure against the prior and the floor: the ratios are what says how far from useless and from perfect. */
export function heldOutLines(e: Evaluation): string[] {
  const against = (kl: number, prior: number, floor: number | undefined) =>
    `KL ${kl.toFixed(3)} (prior ${prior.toFixed(3)}, floor ${floor?.toFixed(3) ?? '—'}): ${ratio(kl, prior)}× the prior, ${floor ? ratio(kl, floor) : '—'}× the floor`;
  return [
    `all ${e.rows} rows: ${against(e.valKL, e.priorKL, e.floorKL)}; accuracy ${(100 * e.accuracy).toFixed(0)}%`,
    e.rows10 ? `≥10 raters (${e.rows10} rows): ${against(e.valKL10, e.priorKL10, e.floorKL10)}` : 'no held-out row has ≥10 raters',
  ];
}

export const ratio = (a: number, b: number) => (a / b).toFixed(2);

function formatMinutes(seconds: number): string {
  return seconds >= 60 ? `${+(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(0)} s`;
}
