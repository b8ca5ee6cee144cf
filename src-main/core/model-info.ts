/**
 * What an exported model file says about itself, so that the file alone tells how to feed it:
 * stored as ONNX `metadata_props` (string → string) under the `hms.` prefix. A model made
 * elsewhere carries none of it; the user names a preprocessing preset instead.
 */
import type { ReliabilityBin } from './calibration';
import { CLASSES, DataError, HMS_SAMPLE_RATE_HZ, WINDOW_SAMPLES } from './eeg';
import { montageChannelNames } from './montage';
import { DEFAULT_PREPROCESS, preprocessSpecProblem, type PreprocessSpec } from './preprocess';

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
  /** An ensemble's members in the graph's order (its output is their probabilities' mean); absent for one model. */
  members?: EnsembleMember[];
  /** The temperature the graph divides its logits by, and what it did on the held-out windows it was fitted on; absent when uncalibrated. */
  calibration?: ModelCalibration;
}

export interface ModelCalibration {
  temperature: number;
  /** Held-out windows it was fitted on: the run's validation fold. */
  windows: number;
  /** KL and expected calibration error on those windows, before and after. */
  klBefore: number;
  klAfter: number;
  eceBefore: number;
  eceAfter: number;
  /** The reliability diagram's bins on those windows, before and after. */
  reliability: { before: ReliabilityBin[]; after: ReliabilityBin[] };
}

/** What an ensemble says of each model in it. */
export interface EnsembleMember {
  model: string;
  /** Where it came from: its run folder's name (fold-1, …). */
  source: string;
  dataFingerprint: string;
  /** The member's own held-out figures. */
  validation: Record<string, number | null>;
  calibration?: ModelCalibration;
}

const PREFIX = 'hms.';

export function modelInfoToMetadata(info: ModelInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(info)) out[PREFIX + key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/** Rates a model may be fed at: below, no EEG band; above, a resampled recording would not fit in memory. */
const RATE_RANGE_HZ = [40, 10_000] as const;
/** The longest window a model may ask for: 10 minutes. */
const MAX_WINDOW_SEC = 600;

/**
 * null when the metadata is not HMS Studio's (a model made elsewhere); throws, naming the file and
 * the entry, when it is but is damaged or asks for what cannot be done.
 */
export function modelInfoFromMetadata(props: Record<string, string>, file: string): ModelInfo | null {
  if (!(PREFIX + 'model' in props)) return null;
  const bad = (key: keyof ModelInfo, problem: string) => new DataError(file, `the model's metadata ${PREFIX}${key}: ${problem}`);
  const text = (key: keyof ModelInfo) => {
    const v = props[PREFIX + key];
    if (v === undefined) throw new DataError(file, `the model's metadata lacks ${PREFIX}${key}`);
    return v;
  };
  const json = (key: keyof ModelInfo): unknown => {
    try {
      return JSON.parse(text(key));
    } catch (err) {
      if (err instanceof DataError) throw err;
      throw new DataError(file, `the model's metadata ${PREFIX}${key} is not valid JSON`);
    }
  };
  const info = {
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
    ...(PREFIX + 'members' in props ? { members: json('members') } : {}),
    ...(PREFIX + 'calibration' in props ? { calibration: json('calibration') } : {}),
  };
  const problem = modelInfoProblem(info);
  if (problem) throw bad(problem.key, problem.problem);
  return info as ModelInfo;
}

/** The first entry of a model's description that cannot be used as it says, or null. */
export function modelInfoProblem(
  info: Record<Exclude<keyof ModelInfo, 'members' | 'calibration'>, unknown> & { members?: unknown; calibration?: unknown },
): { key: keyof ModelInfo; problem: string } | null {
  const { classes, sampleRateHz: rate, windowSamples, channels, validation } = info;
  const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 80);
  if (!Array.isArray(classes) || classes.length !== CLASSES.length || classes.some((c, i) => c !== CLASSES[i])) {
    return { key: 'classes', problem: `${shown(classes)}; a model here answers the six classes ${CLASSES.join(', ')}, in that order` };
  }
  if (!(typeof rate === 'number' && rate >= RATE_RANGE_HZ[0] && rate <= RATE_RANGE_HZ[1])) {
    return { key: 'sampleRateHz', problem: `${shown(rate)}; a rate from ${RATE_RANGE_HZ[0]} to ${RATE_RANGE_HZ[1]} Hz is needed` };
  }
  if (!(typeof windowSamples === 'number' && Number.isInteger(windowSamples) && windowSamples >= 1 && windowSamples <= MAX_WINDOW_SEC * rate)) {
    return { key: 'windowSamples', problem: `${shown(windowSamples)}; a whole number of samples up to ${MAX_WINDOW_SEC} s is needed` };
  }
  if (!Array.isArray(channels) || channels.length === 0 || channels.some((c) => typeof c !== 'string' || c === '')) {
    return { key: 'channels', problem: `${shown(channels)}; a list of channel names is needed` };
  }
  const preprocess = preprocessSpecProblem(info.preprocess, rate);
  if (preprocess) return { key: 'preprocess', problem: preprocess };
  if (!isFigures(validation)) return { key: 'validation', problem: `${shown(validation)}; figures by name are needed` };
  const { members } = info;
  if (members !== undefined && !(Array.isArray(members) && members.length > 0 && members.every(isMember))) {
    return { key: 'members', problem: `${shown(members)}; a list of models, each with its model, source, dataFingerprint and validation figures, is needed` };
  }
  if (info.calibration !== undefined && !isCalibration(info.calibration)) {
    return { key: 'calibration', problem: `${shown(info.calibration)}; a positive temperature and its held-out figures are needed` };
  }
  return null;
}

function isCalibration(c: unknown): c is ModelCalibration {
  if (typeof c !== 'object' || c === null) return false;
  const v = c as Record<string, unknown>;
  const finite = (k: string) => typeof v[k] === 'number' && Number.isFinite(v[k]);
  const bins = v.reliability as Record<string, unknown> | undefined;
  return (
    finite('temperature') &&
    (v.temperature as number) > 0 &&
    ['windows', 'klBefore', 'klAfter', 'eceBefore', 'eceAfter'].every(finite) &&
    typeof bins === 'object' &&
    bins !== null &&
    Array.isArray(bins.before) &&
    Array.isArray(bins.after)
  );
}

function isFigures(v: unknown): v is Record<string, number | null> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === 'number');
}

function isMember(m: unknown): m is EnsembleMember {
  if (typeof m !== 'object' || m === null) return false;
  const { model, source, dataFingerprint, validation } = m as Record<string, unknown>;
  const { calibration } = m as Record<string, unknown>;
  return (
    typeof model === 'string' &&
    typeof source === 'string' &&
    typeof dataFingerprint === 'string' &&
    isFigures(validation) &&
    (calibration === undefined || isCalibration(calibration))
  );
}

/** Whether the channels a model takes are what its montage gives (a model from a test may take fewer). */
export function channelsMatchMontage(info: ModelInfo): boolean {
  const names = montageChannelNames(info.preprocess.montage);
  return info.channels.length === names.length && info.channels.every((c, i) => c === names[i]);
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
