/**
 * An ONNX model scored on a labelled dataset folder with the very figures a run gets
 * (train/evaluate-folder.ts): the folder cached with the preprocessing the model's metadata — or,
 * for a model made elsewhere, the named preset — says, every usable window fed to onnxruntime as
 * [batch, channels, samples] µV, exactly as classify feeds a recording.
 */
import { CLASSES, DataError, HMS_SAMPLE_RATE_HZ, WINDOW_SAMPLES } from '../../core/eeg';
import { OnnxClassifier } from '../onnx/classifier';
import { loadBatch, NO_AUGMENTATION, type TrainingSet, windowStart } from '../train/data';
import { EVALUATION_BATCH, type FolderEvaluation, type FolderEvaluationOptions, scoreOnFolder, type SetPredictor } from '../train/evaluate-folder';
import { checkFeedable } from './classify';

export async function evaluateOnnxOnFolder(path: string, folder: string, options: FolderEvaluationOptions & { preset?: string } = {}): Promise<FolderEvaluation> {
  const model = await OnnxClassifier.open(path, { preset: options.preset });
  try {
    checkFeedable(model);
    const { sampleRateHz, windowSamples } = model.info;
    // A labelled folder's cache holds the HMS windows; a model fed another rate or length would be scored on windows the experts never labelled.
    if (sampleRateHz !== HMS_SAMPLE_RATE_HZ || windowSamples !== WINDOW_SAMPLES) {
      throw new DataError(
        path,
        `the model takes ${windowSamples / sampleRateHz}-s windows at ${sampleRateHz} Hz; a labelled folder is scored on its ${WINDOW_SAMPLES / HMS_SAMPLE_RATE_HZ}-s windows at ${HMS_SAMPLE_RATE_HZ} Hz`,
      );
    }
    const predict: SetPredictor = async (set) => ({ probabilities: await predictSet(model, set, options.onProgress), backend: { name: 'onnxruntime' } });
    const scored = await scoreOnFolder(folder, model.info.preprocess, predict, options);
    const epoch = model.info.validation.epoch;
    return { model: model.info.model, format: 'onnx', file: path, ...(typeof epoch === 'number' ? { epoch } : {}), ...scored };
  } finally {
    await model.close();
  }
}

/**
 * Every window of the set, channel-major as the model takes it, a batch at a time. A cache stored
 * below the model's rate — a run's 50-Hz cache, when export calibrates on it — is fed with each
 * stored sample repeated up to the model's rate: a model that fits such a cache begins with a mean
 * of that many samples (core/cache-rate.ts), which gives back the samples it trained on (to
 * float32 rounding).
 */
export async function predictSet(model: OnnxClassifier, set: TrainingSet, onProgress?: (done: number, total: number) => void): Promise<number[][]> {
  const { channels, windowSamples, windows } = set;
  const repeat = model.info.windowSamples / windowSamples;
  if (!Number.isInteger(repeat) || model.info.sampleRateHz !== repeat * set.manifest.sampleRateHz) {
    throw new DataError(
      set.cacheDir,
      `this cache holds ${windowSamples}-sample windows at ${set.manifest.sampleRateHz} Hz; the model reads ${model.info.windowSamples} at ${model.info.sampleRateHz} Hz`,
    );
  }
  const perRow = channels * model.info.windowSamples;
  const x = new Float32Array(Math.min(EVALUATION_BATCH, windows.length) * perRow);
  const stored = new Float32Array(windowSamples);
  const out: number[][] = [];
  for (let i = 0; i < windows.length; i += EVALUATION_BATCH) {
    const rows = windows.slice(i, i + EVALUATION_BATCH);
    await loadBatch(set, rows, NO_AUGMENTATION);
    rows.forEach((w, r) => {
      for (let c = 0; c < channels; c++) {
        const offset = r * perRow + c * model.info.windowSamples;
        if (repeat === 1) set.store.copy(w.eegId, c, windowStart(set, w), windowSamples, x, { offset, stride: 1, scale: 1 });
        else {
          set.store.copy(w.eegId, c, windowStart(set, w), windowSamples, stored, { offset: 0, stride: 1, scale: 1 });
          for (let t = 0; t < model.info.windowSamples; t++) x[offset + t] = stored[Math.floor(t / repeat)];
        }
      }
    });
    const p = await model.run(x.subarray(0, rows.length * perRow), rows.length);
    const k = CLASSES.length;
    for (let r = 0; r < rows.length; r++) out.push(Array.from(p.subarray(r * k, (r + 1) * k)));
    onProgress?.(out.length, windows.length);
  }
  return out;
}
