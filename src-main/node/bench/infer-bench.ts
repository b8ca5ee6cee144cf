/**
 * Inference speed with onnxruntime (CPU): samples/s on the reference net (docs/ARCHITECTURE.md §6:
 * batch 32 × 18 × 2000), beside PyTorch's on the same net in the same run where a python with torch
 * is found (`pytorch-reference.ts`), one 50-s HMS parquet
 * end to end (read, preprocess, classify) with the default model, and a 1-hour 19-channel 256-Hz
 * EDF to a 10-s-stride timeline. Random weights: speed does not depend on them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HMS_CHANNELS, WINDOW_SAMPLES } from '../../core/eeg';
import { DEFAULT_MODEL } from '../../core/model-zoo';
import { type ModelInfo, PREPROCESS_PRESETS } from '../../core/model-info';
import { describeModel, initBound, type ModelSpec, REFERENCE_NET } from '../../core/models';
import { writeEdf } from '../formats/edf-write';
import { writeHmsParquet } from '../formats/parquet-write';
import { Random } from '../../core/random';
import { classifyRecording, prepareRecording } from '../infer/classify';
import { classifyFileTimeline } from '../infer/file-timeline';
import { OnnxClassifier } from '../onnx/classifier';
import { exportOnnxFile } from '../onnx/export';
import { startPyTorchReference } from './pytorch-reference';
import { median } from './median';

export interface InferBench {
  inferSamplesPerSec: number;
  /** PyTorch on the reference net, timed in turns with onnxruntime; or why it was not. */
  pytorch: { inferSamplesPerSec: number; version: string; threads: number } | { unavailable: string };
  /** onnxruntime ÷ PyTorch, when PyTorch ran. */
  vsPyTorch?: number;
  batch: number;
  endToEndMs: number;
  edfHourTimelineSec: number;
  timelineWindows: number;
}

/** Weights drawn as the initialisers would draw them: a model as fast as a trained one. */
export function randomWeights(spec: ModelSpec, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(describeModel(spec).parameters);
  let offset = 0;
  for (const w of describeModel(spec).layers.flatMap((l) => l.weights)) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const bound = initBound(w.init);
    for (let i = 0; i < size; i++) out[offset + i] = bound > 0 ? rng.uniform(-bound, bound) : w.init.kind === 'ones' ? 1 : 0;
    offset += size;
  }
  return out;
}

/** Metadata for a bench model: fed as the notebook preset feeds, on the spec's first channels. */
export function benchModelInfo(spec: ModelSpec): ModelInfo {
  const preset = PREPROCESS_PRESETS.notebook;
  return {
    ...preset,
    model: spec.name,
    channels: preset.channels.slice(0, spec.input.channels),
    windowSamples: spec.input.samples,
    normalisation: 'none',
    dataFingerprint: '',
    validation: {},
    appVersion: 'bench',
  };
}

/** EEG-like noise: a slow wander, a rhythm and white noise. */
export function noise(samples: number, seed: number): Float32Array {
  const rng = new Random(seed);
  let slow = 0;
  return Float32Array.from({ length: samples }, (_, i) => {
    slow = 0.98 * slow + rng.normal() * 4;
    return 20 * Math.sin(i / 30) + slow + rng.normal() * 10;
  });
}

export async function benchInfer(onStatus: (line: string) => void = () => {}): Promise<InferBench> {
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-infer-'));
  try {
    onStatus('reference net…');
    await exportOnnxFile(join(dir, 'reference.onnx'), REFERENCE_NET, randomWeights(REFERENCE_NET, 1), benchModelInfo(REFERENCE_NET));
    const reference = await OnnxClassifier.open(join(dir, 'reference.onnx'));
    const batch = 32;
    const x = noise(batch * REFERENCE_NET.input.channels * REFERENCE_NET.input.samples, 2);
    const torch = await startPyTorchReference(availableParallelism());
    const ours: number[] = [];
    const theirs: number[] = [];
    try {
      for (let i = 0; i < 3; i++) await reference.run(x, batch);
      for (let i = 0; 'time' in torch && i < 3; i++) await torch.time('infer');
      // Turns of five runs each, so load on a shared machine falls on both alike.
      for (let turn = 0; turn < 6; turn++) {
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await reference.run(x, batch);
          ours.push(performance.now() - t0);
        }
        for (let i = 0; 'time' in torch && i < 5; i++) theirs.push(await torch.time('infer'));
      }
    } finally {
      await reference.close();
      if ('time' in torch) torch.close();
    }
    const inferSamplesPerSec = (batch / median(ours)) * 1000;
    const pytorch = 'time' in torch ? { inferSamplesPerSec: (batch / median(theirs)) * 1000, version: torch.version, threads: torch.threads } : torch;
    const vsPyTorch = 'inferSamplesPerSec' in pytorch ? inferSamplesPerSec / pytorch.inferSamplesPerSec : undefined;

    onStatus('one 50-s recording end to end…');
    await exportOnnxFile(join(dir, 'default.onnx'), DEFAULT_MODEL, randomWeights(DEFAULT_MODEL, 3), {
      ...benchModelInfo(DEFAULT_MODEL),
      channels: PREPROCESS_PRESETS.notebook.channels,
    });
    const model = await OnnxClassifier.open(join(dir, 'default.onnx'));
    try {
      const parquet = join(dir, 'window.parquet');
      await writeHmsParquet(
        parquet,
        HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: noise(WINDOW_SAMPLES, 10 + c) })),
      );
      const times: number[] = [];
      for (let i = 0; i < 23; i++) {
        const t0 = performance.now();
        await classifyRecording(model, await prepareRecording(parquet, model.info));
        if (i >= 3) times.push(performance.now() - t0);
      }
      const endToEndMs = median(times);

      onStatus('a 1-hour 256-Hz EDF to a timeline…');
      const edf = join(dir, 'hour.edf');
      const rate = 256;
      await writeEdf(edf, {
        channels: HMS_CHANNELS.map((c) => (c === 'EKG' ? 'ECG' : `EEG ${c}-REF`)),
        sampleRateHz: rate,
        data: HMS_CHANNELS.map((_, c) => noise(3600 * rate, 100 + c)),
        units: HMS_CHANNELS.map(() => 'uV'),
        annotations: [],
        source: { path: edf, format: 'edf+c' },
      });
      const t0 = performance.now();
      const timeline = (await classifyFileTimeline(model, edf, 10)).points;
      const edfHourTimelineSec = (performance.now() - t0) / 1000;
      return { inferSamplesPerSec, pytorch, ...(vsPyTorch ? { vsPyTorch } : {}), batch, endToEndMs, edfHourTimelineSec, timelineWindows: timeline.length };
    } finally {
      await model.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
