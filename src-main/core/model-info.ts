/**
 * What an exported model file says about itself, so that the file alone tells how to feed it:
 * stored as ONNX `metadata_props` (string → string) under the `hms.` prefix. A model made
 * elsewhere carries none of it; the user names a preprocessing preset instead.
 */
import { CLASSES, HMS_SAMPLE_RATE_HZ, WINDOW_SAMPLES } from './eeg';
import { montageChannelNames } from './montage';
import { DEFAULT_PREPROCESS, type PreprocessSpec } from './preprocess';

export interface ModelInfo {
  /** Architecture name (a spec of the model zoo) or 'external'. */
  model: string;
  classes: string[];
  sampleRateHz: number;
  windowSamples: number;
  /** Input rows in order (montage channel names). The input is [batch, channels, samples], µV. */
  channels: string[];
  preprocess: PreprocessSpec;
  /** How the graph itself brings µV to its working scale (e.g. "scale 0.01"); the input is always µV. */
  normalisation: string;
  /** SHA-1 of the training data (recordings and labelled windows); '' when unknown. */
  dataFingerprint: string;
  /** Validation figures of the weights, e.g. { valKL, valKL10, priorKL, floorKL, accuracy }. */
  validation: Record<string, number | null>;
  appVersion: string;
}

const PREFIX = 'hms.';

export function modelInfoToMetadata(info: ModelInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(info)) out[PREFIX + key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/** null when the metadata is not HMS Studio's (a model made elsewhere); throws when it is but is damaged. */
export function modelInfoFromMetadata(props: Record<string, string>, file: string): ModelInfo | null {
  if (!(PREFIX + 'model' in props)) return null;
  const text = (key: keyof ModelInfo) => {
    const v = props[PREFIX + key];
    if (v === undefined) throw new Error(`${file}: the model's metadata lacks ${PREFIX}${key}`);
    return v;
  };
  const json = <T>(key: keyof ModelInfo): T => {
    try {
      return JSON.parse(text(key)) as T;
    } catch {
      throw new Error(`${file}: the model's metadata ${PREFIX}${key} is not valid JSON`);
    }
  };
  return {
    model: text('model'),
    classes: json('classes'),
    sampleRateHz: json('sampleRateHz'),
    windowSamples: json('windowSamples'),
    channels: json('channels'),
    preprocess: json('preprocess'),
    normalisation: text('normalisation'),
    dataFingerprint: text('dataFingerprint'),
    validation: json('validation'),
    appVersion: text('appVersion'),
  };
}

/**
 * Preprocessing presets for a model made elsewhere. `notebook`: the original notebook's recipe —
 * the 18 bipolar chains + EKG, Butterworth band-pass order 4 0.5–20 Hz, clip ±1024 µV, 50-s windows
 * at 200 Hz (its filter ran across channels by mistake; the preset filters along time, as it meant).
 */
export const PREPROCESS_PRESETS: Record<string, Omit<ModelInfo, 'model' | 'dataFingerprint' | 'validation' | 'appVersion'>> = {
  notebook: {
    classes: [...CLASSES],
    sampleRateHz: HMS_SAMPLE_RATE_HZ,
    windowSamples: WINDOW_SAMPLES,
    channels: montageChannelNames('bipolar'),
    preprocess: DEFAULT_PREPROCESS,
    normalisation: 'none',
  },
};
