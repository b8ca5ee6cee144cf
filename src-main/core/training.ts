/**
 * The training contract shared by the trainer process, the CLI, the web host and the UI: what a
 * run is asked to do, the messages it sends while it works, and what it leaves behind.
 */
import type { Evaluation } from './evaluation';

/** `mse`: the notebook's pre-training; `kl`: the metric, all rows; `kl10`: fine-tune on rows with ≥ 10 raters. */
export type StageName = 'mse' | 'kl' | 'kl10';
export const STAGE_NAMES: readonly StageName[] = ['mse', 'kl', 'kl10'];

export interface TrainConfig {
  /** The processed cache (see `hms preprocess`). */
  cacheDir: string;
  model: string;
  /** Most epochs per stage; early stopping may end a stage sooner. */
  epochs: number;
  folds: number;
  /** The held-out fold, 0-based. */
  fold: number;
  stages: StageName[];
  batch: number;
  lr: number;
  seed: number;
  /** Epochs without a better validation KL before a stage stops. */
  patience: number;
  augment: boolean;
  /** Stop, keeping the best, before an epoch that would end past this many seconds of this session. */
  timeLimitSec?: number;
  /** Worker threads (wasm); all cores when absent. */
  workers?: number;
  /** Most MiB of the cache's samples held in memory at once; a quarter of the machine's memory when absent. */
  memoryBudgetMb?: number;
  /** The engine asked for; absent: the default (`DEFAULT_ENGINE`). */
  engine?: TrainEngine;
  /** Where onnxruntime trains; absent: the CPU. */
  device?: TrainDevice;
}

/**
 * What computes the training steps: `onnxruntime` (a training graph compiled from the model, on
 * every core) for the models it can train, `tfjs` for every model (TensorFlow's native binding when
 * installed, else wasm with our kernels). A model onnxruntime cannot train (LSTM) falls back to tfjs.
 */
export type TrainEngine = 'onnxruntime' | 'tfjs';
export const TRAIN_ENGINES: readonly TrainEngine[] = ['onnxruntime', 'tfjs'];
/**
 * Where onnxruntime trains: the CPU, a GPU execution provider (CUDA; DirectML on Windows; CoreML on
 * macOS; WebGPU), or `auto`, the first of those that starts. One that cannot start falls back to
 * the CPU, and the backend's `fallback` says why.
 */
export type TrainDevice = 'cpu' | 'auto' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export const TRAIN_DEVICES: readonly TrainDevice[] = ['cpu', 'auto', 'cuda', 'dml', 'coreml', 'webgpu'];

/** onnxruntime: 2–4× the wasm engine's samples/s on the reference net, 1–1.5× on chainnet (`hms bench train`). */
export const DEFAULT_ENGINE: TrainEngine = 'onnxruntime';

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'cacheDir'> = {
  model: 'chainnet',
  epochs: 150,
  folds: 5,
  fold: 0,
  stages: ['kl'],
  // Small batches: the built-in set has ~200 training windows, and more steps per epoch help more than bigger ones.
  batch: 16,
  lr: 2e-3,
  seed: 0,
  patience: 40,
  augment: true,
};

export interface EpochRecord {
  stage: StageName;
  /** Counted over the whole run, from 1. */
  epoch: number;
  trainLoss: number;
  valKL: number;
  valKL10: number;
  lr: number;
  seconds: number;
}

/** The engine a run trains on (node/train/backend.ts picks it), as the run reports it. */
export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'onnxruntime';
  device: 'gpu' | 'cpu';
  /** Threads one backend instance computes with (data-parallel workers multiply it). */
  threads: number;
  /** The execution provider on a GPU (onnxruntime), as named to the user: `CUDA`, `WebGPU`, … */
  provider?: string;
  /** Why this is not the engine or device that was asked for, when it is not. */
  fallback?: string;
}

/** "onnxruntime · CPU · 2 threads", "onnxruntime · CUDA": the backend as the CLI and the app name it. */
export function backendLine({ name, device, threads, provider }: BackendInfo): string {
  return provider ? `${name} · ${provider}` : `${name} · ${device.toUpperCase()} · ${threads} thread${threads === 1 ? '' : 's'}`;
}

export type TrainEvent =
  | { type: 'started'; backend: BackendInfo; trainWindows: number; valWindows: number; parameters: number; resumedFromEpoch: number }
  /** `runShare`: how much of the whole run is done (0–1): all stages' epochs, or the time limit when that ends it sooner. */
  | { type: 'progress'; stage: StageName; epoch: number; step: number; steps: number; loss: number; samplesPerSec: number; etaSec: number; runShare: number }
  | { type: 'epoch'; record: EpochRecord; best: boolean }
  | { type: 'checkpoint'; path: string; epoch: number }
  /** The stage's training loss sat at (or above) the prior's: it starts over from fresh weights; `restartsLeft` more may follow. */
  | { type: 'restart'; restart: RestartRecord; restartsLeft: number }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; message: string };

/** A stage started over from fresh weights because its training loss stayed at the prior's (see node/train/plateau.ts). */
export interface RestartRecord {
  /** The run's last epoch before the restart. */
  atEpoch: number;
  stage: StageName;
  /** In words, with the losses and the prior's. */
  reason: string;
  /** Seed of the fresh weights, derived from the run's seed. */
  initSeed: number;
}

/** 'crashed': its training process died mid-run (killed, out of memory); `last.ckpt` lets it resume. */
export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'crashed';

/**
 * Why training stopped: every epoch done, no progress for `patience` epochs, the time limit, or a
 * cancel. While a run is going, its `run.json` says how its session's last finished stage ended
 * (`'epochs'` before one has).
 */
export type StopReason = 'epochs' | 'patience' | 'time-limit' | 'cancelled';

export interface TrainResult {
  status: RunStatus;
  runDir: string;
  config: TrainConfig;
  backend: BackendInfo;
  epochs: number;
  bestEpoch: number;
  stopReason: StopReason;
  history: EpochRecord[];
  /** Every restart from fresh weights, in order; absent in runs made before there were restarts. */
  restarts?: RestartRecord[];
  /** The best checkpoint on the held-out fold; absent when no epoch finished. */
  evaluation?: Evaluation;
  trainWindows: number;
  valWindows: number;
  /** Over all the run's sessions, up to its last checkpoint when it was resumed. */
  seconds: number;
  /** Why a crashed run stopped, in words. */
  error?: string;
  /** The peak resident memory of the process that trained, MiB, up to when this was written. */
  peakRssMb?: number;
}

/**
 * How much of a run is done, 0–1: each stage is an equal share (a stage that stops early counts as
 * done), and with a time limit the share of the time used, whichever is further.
 */
export function runShare(config: Pick<TrainConfig, 'epochs' | 'stages' | 'timeLimitSec'>, at: { stageIndex: number; stageEpochs: number; elapsedSec: number }): number {
  const byEpochs = (at.stageIndex + Math.min(1, at.stageEpochs / config.epochs)) / Math.max(1, config.stages.length);
  const byTime = config.timeLimitSec ? at.elapsedSec / config.timeLimitSec : 0;
  return Math.min(1, Math.max(0, byEpochs, byTime));
}
