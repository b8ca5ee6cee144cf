/** A trained checkpoint as a self-describing ONNX file: its weights, and everything needed to feed it. */
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CLASSES, DataError } from '../../core/eeg';
import { APP_VERSION } from '../app-version';
import { type Evaluation, poolEvaluations } from '../../core/evaluation';
import type { ModelInfo } from '../../core/model-info';
import type { ModelSpec } from '../../core/models';
import type { TrainConfig, TrainResult } from '../../core/training';
import { writeFileAtomic } from '../fs-atomic';
import { exportEnsembleOnnx, exportOnnxFile } from '../onnx/export';
import { calibrateOnHeldOut } from './calibrate';
import { readInputFile } from '../formats/input-file';
import { checkpointPath } from '../train/evaluate-folder';
import { readModelCheckpoint } from '../train/model-checkpoint';
import { RUN_FILE } from '../train/run-folder';

export interface ExportOptions {
  /** Fit a temperature on each model's held-out fold (infer/calibrate.ts); on unless told. */
  calibrate?: boolean;
  /** Why a model was exported uncalibrated, in words. */
  onUncalibrated?: (reason: string) => void;
}

/** A run folder's best checkpoint, with the held-out evaluation its run.json holds; or a checkpoint file, with its own KL only. */
export async function exportCheckpoint(runDirOrFile: string, out: string, options: ExportOptions = {}): Promise<ModelInfo> {
  const { spec, weights, info, temperature } = await calibrated(await exportable(runDirOrFile), options);
  await exportOnnxFile(out, spec, weights, info, temperature);
  return info;
}

/**
 * Runs as one model that averages their probabilities: the fold-N runs of a cross-validation
 * (`hms train --fold all`) given their parent folder, or the run folders given. Its validation
 * figures are the members' held-out folds pooled — each member scored on patients it never saw,
 * as no held-out set exists for the ensemble itself — with `pooledFolds` saying how many.
 */
export async function exportEnsemble(paths: readonly string[], out: string, options: ExportOptions = {}): Promise<ModelInfo> {
  const runs = await ensembleRuns(paths);
  const loaded = await Promise.all(runs.map(exportable));
  for (const [i, m] of loaded.entries()) {
    const differs = FED_ALIKE.find((key) => JSON.stringify(m.info[key]) !== JSON.stringify(loaded[0].info[key]));
    if (differs) throw new DataError(runs[i], `its model is fed otherwise (${differs}) than ${runs[0]}'s: an ensemble's members share one input`);
  }
  const members = await Promise.all(loaded.map((m) => calibrated(m, options)));
  const [first] = members;
  const evaluations = members.flatMap((m) => (m.evaluation ? [m.evaluation] : []));
  const pooled = evaluations.length === members.length ? poolEvaluations(evaluations) : undefined;
  const names = [...new Set(members.map((m) => m.info.model))];
  const fingerprints = new Set(members.map((m) => m.info.dataFingerprint));
  const info: ModelInfo = {
    ...first.info,
    model: `ensemble of ${members.length} ${names.join('+')}`,
    dataFingerprint: fingerprints.size === 1 ? first.info.dataFingerprint : '',
    validation: pooled ? { valKL: pooled.valKL, ...figures(pooled), pooledFolds: members.length } : { pooledFolds: null },
    members: members.map((m, i) => ({
      model: m.info.model,
      source: basename(runs[i]),
      dataFingerprint: m.info.dataFingerprint,
      validation: m.info.validation,
      ...calibrationOf(m.info),
    })),
  };
  delete info.calibration;
  await writeFileAtomic(out, exportEnsembleOnnx(members, info));
  return info;
}

/** What an ensemble's members must agree on: one input, preprocessed one way. */
const FED_ALIKE = ['sampleRateHz', 'windowSamples', 'channels', 'preprocess', 'normalisation'] as const;

/** A fold-N run folder below one path, in fold order; else the paths themselves, at least two. */
async function ensembleRuns(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 1) {
    const entries = await readdir(paths[0]).catch(() => {
      throw new DataError(paths[0], 'no such folder of fold runs');
    });
    const folds = entries.flatMap((e) => (/^fold-\d+$/.test(e) ? [e] : [])).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    if (folds.length < 2)
      throw new DataError(paths[0], `holds ${folds.length} fold run${folds.length === 1 ? '' : 's'} (fold-1, fold-2, …, from hms train --fold all); an ensemble needs two or more`);
    return folds.map((f) => join(paths[0], f));
  }
  return [...paths];
}

interface Exportable {
  spec: ModelSpec;
  weights: Float32Array;
  info: ModelInfo;
  /** Its run folder's held-out evaluation. */
  evaluation?: Evaluation;
  /** The training run's settings, when the checkpoint names them: where its held-out fold is. */
  config?: TrainConfig;
  source: string;
  temperature?: number;
}

/** A run or checkpoint as an exportable model: its spec, weights, metadata and held-out evaluation (for a run folder). */
async function exportable(runDirOrFile: string): Promise<Exportable> {
  const checkpoint = await checkpointPath(runDirOrFile);
  const { meta, weights } = await readModelCheckpoint(checkpoint);
  const evaluation = checkpoint === runDirOrFile ? undefined : await runEvaluation(runDirOrFile);
  const scale = meta.spec.layers.find((l) => l.kind === 'scale');
  const info: ModelInfo = {
    model: meta.spec.name,
    classes: [...CLASSES],
    sampleRateHz: meta.sampleRateHz,
    windowSamples: meta.windowSamples,
    channels: meta.channels,
    preprocess: meta.preprocess,
    normalisation: scale?.kind === 'scale' ? `µV × ${scale.factor} inside the graph` : 'none',
    dataFingerprint: meta.dataFingerprint,
    validation: { epoch: meta.epoch, valKL: meta.valKL, ...(evaluation ? figures(evaluation) : {}) },
    appVersion: APP_VERSION,
  };
  return { spec: meta.spec, weights, info, source: runDirOrFile, ...(evaluation ? { evaluation } : {}), ...(meta.config ? { config: meta.config } : {}) };
}

/** The model with a temperature fitted on its held-out fold, or as it was, saying why, when none can be. */
async function calibrated(model: Exportable, { calibrate = true, onUncalibrated = () => {} }: ExportOptions): Promise<Exportable> {
  if (!calibrate) return model;
  const { config } = model;
  const outcome = config ? await calibrateOnHeldOut({ ...model, config }) : { skipped: 'the checkpoint does not say which run made it' };
  if ('skipped' in outcome) {
    onUncalibrated(`${model.source}: not calibrated: ${outcome.skipped}`);
    return model;
  }
  return { ...model, info: { ...model.info, calibration: outcome.calibration }, temperature: outcome.calibration.temperature };
}

const calibrationOf = ({ calibration }: ModelInfo) => (calibration ? { calibration } : {});

/** The held-out figures a model file carries. */
function figures(e: Evaluation): Record<string, number | null> {
  return { valKL10: nullable(e.valKL10), priorKL: e.priorKL, floorKL: e.floorKL ?? null, accuracy: e.accuracy };
}

const nullable = (v: number) => (Number.isFinite(v) ? v : null);

/** The held-out evaluation run.json records; none when the run has no run.json. A damaged one is refused: its figures would ship in the model. */
async function runEvaluation(runDir: string): Promise<Evaluation | undefined> {
  const path = join(runDir, RUN_FILE);
  if (
    !(await lstat(path).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const text = (await readInputFile(path, 64 * 2 ** 20)).toString('utf8');
  let run: Partial<TrainResult> | null;
  try {
    run = JSON.parse(text) as Partial<TrainResult> | null;
  } catch (err) {
    throw new DataError(path, `not valid JSON (${(err as Error).message}): the run's figures cannot be read`);
  }
  const evaluation = run?.evaluation;
  if (evaluation !== undefined && (typeof evaluation !== 'object' || evaluation === null)) throw new DataError(path, 'its evaluation is not a set of figures');
  return evaluation;
}
