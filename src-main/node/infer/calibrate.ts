/**
 * Temperature scaling at export: the exported model run by onnxruntime on its run's held-out
 * fold — the windows early stopping chose the epoch on, never trained on — and one temperature
 * fitted there (core/calibration.ts). When the run's cache is gone or was rebuilt otherwise, the
 * model is exported uncalibrated and the reason given.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrationError, fitTemperature, reliability, scaledAll } from '../../core/calibration';
import { errorMessage } from '../../core/errors';
import { klDivergence } from '../../core/metrics';
import type { ModelCalibration, ModelInfo } from '../../core/model-info';
import type { ModelSpec } from '../../core/models';
import type { TrainConfig } from '../../core/training';
import { OnnxClassifier } from '../onnx/classifier';
import { exportOnnx } from '../onnx/export';
import { loadTrainingSet, patientFolds } from '../train/data';
import { predictSet } from './evaluate-onnx';

/** Fewer held-out windows than this fit a temperature to noise. */
export const MIN_CALIBRATION_WINDOWS = 30;

export type CalibrationOutcome = { calibration: ModelCalibration } | { skipped: string };

export async function calibrateOnHeldOut(model: { spec: ModelSpec; weights: Float32Array; info: ModelInfo; config: TrainConfig }): Promise<CalibrationOutcome> {
  const { config, info } = model;
  const set = await loadTrainingSet(config.cacheDir).catch(errorMessage);
  if (typeof set === 'string') return { skipped: `the run's cache cannot be read (${set})` };
  if (JSON.stringify(set.manifest.preprocess) !== JSON.stringify(info.preprocess)) return { skipped: `the run's cache ${config.cacheDir} was rebuilt with other preprocessing` };
  const foldOf = patientFolds(set.windows, config.folds, config.seed);
  const heldOut = set.windows.filter((_, i) => foldOf[i] === config.fold);
  if (heldOut.length < MIN_CALIBRATION_WINDOWS) return { skipped: `${heldOut.length} held-out windows are too few to fit a temperature (${MIN_CALIBRATION_WINDOWS} needed)` };
  const dir = await mkdtemp(join(tmpdir(), 'hms-calibrate-'));
  try {
    const path = join(dir, 'uncalibrated.onnx');
    await writeFile(path, exportOnnx(model.spec, model.weights, info));
    const onnx = await OnnxClassifier.open(path);
    let predictions: number[][];
    try {
      predictions = await predictSet(onnx, { ...set, windows: heldOut });
    } finally {
      await onnx.close();
    }
    const targets = heldOut.map((w) => w.target);
    const temperature = fitTemperature(predictions, targets);
    const scaled = scaledAll(predictions, temperature);
    const [before, after] = [reliability(predictions, targets), reliability(scaled, targets)];
    return {
      calibration: {
        temperature,
        windows: heldOut.length,
        klBefore: klDivergence(targets, predictions),
        klAfter: klDivergence(targets, scaled),
        eceBefore: calibrationError(before),
        eceAfter: calibrationError(after),
        reliability: { before, after },
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
