/**
 * The service's training and classifying calls: runs in their own processes with their events
 * forwarded to the UI, export of a run's best checkpoint, and classification with ONNX models
 * (sessions kept open between calls: a model is loaded once).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApiEmit, ApiHandlers, ClassifyResult } from '../core/api';
import { CLASSES } from '../core/eeg';
import { MODELS, DEFAULT_MODEL } from '../core/model-zoo';
import { describeModel } from '../core/models';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent } from '../core/training';
import { buildCache } from './cache/build';
import { classifyRecording, classifyTimeline, prepareRecording } from './infer/classify';
import { exportCheckpoint } from './infer/export-checkpoint';
import { OnnxClassifier } from './onnx/classifier';
import { startTrainingProcess, type TrainingProcess } from './train/process';

type ModelHandlers = Pick<ApiHandlers, 'listModels' | 'startTraining' | 'cancelTraining' | 'exportModel' | 'classify'>;

/** Starts a training process; Electron passes one that uses a utility process. */
export type TrainingLauncher = (config: TrainConfig, runDir: string, onEvent: (e: TrainEvent) => void) => TrainingProcess;

export function createModelHandlers(dataDir: string, emit: ApiEmit, launch: TrainingLauncher = startTrainingProcess): ModelHandlers {
  const running = new Map<string, { cancel: () => void; cancelled: boolean; process?: TrainingProcess }>();
  const sessions = new Map<string, Promise<OnnxClassifier>>();
  const send = (runDir: string, event: TrainEvent) => emit('training', { runDir, event });

  return {
    listModels: async () => MODELS.map((m) => ({ name: m.name, description: m.description, parameters: describeModel(m).parameters, isDefault: m === DEFAULT_MODEL })),

    startTraining: async (request) => {
      if (!MODELS.some((m) => m.name === request.model)) throw new Error(`unknown model "${request.model}"`);
      const dataset = resolve(request.dataset);
      const runDir = resolve(request.runDir ?? join(dataDir, 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${request.model}`));
      if (running.has(runDir)) throw new Error(`a training run is already going on in ${runDir}`);
      const cacheDir = join(dataDir, 'caches', createHash('sha1').update(dataset).digest('hex').slice(0, 16));
      const controller = new AbortController();
      const entry: { cancel: () => void; cancelled: boolean; process?: TrainingProcess } = { cancelled: false, cancel: () => controller.abort() };
      running.set(runDir, entry);
      const config: TrainConfig = {
        ...DEFAULT_TRAIN_CONFIG,
        cacheDir,
        model: request.model,
        epochs: request.epochs,
        stages: request.stages,
        ...(request.minutes !== undefined ? { timeLimitSec: request.minutes * 60 } : {}),
      };
      // The call answers at once; preprocessing and training report through events.
      void (async () => {
        try {
          const built = await buildCache(dataset, cacheDir, {
            signal: controller.signal,
            onProgress: (p) => emit('progress', { task: 'Preprocessing for training', done: p.done, total: p.total, unit: 'EEGs' }),
          });
          if (!built.manifest) throw new Error('cancelled while preprocessing');
          const proc = launch(config, runDir, (e) => send(runDir, e));
          entry.process = proc;
          entry.cancel = () => proc.cancel();
          if (controller.signal.aborted) proc.cancel();
          await proc.done;
        } catch (err) {
          send(runDir, { type: 'error', message: err instanceof Error ? err.message : String(err) });
        } finally {
          running.delete(runDir);
        }
      })();
      return { runDir };
    },

    cancelTraining: async ({ runDir }) => {
      const entry = running.get(resolve(runDir));
      if (!entry) throw new Error(`no training is running in ${runDir}`);
      entry.cancel();
      return {};
    },

    exportModel: async ({ runDir }) => {
      const path = join(runDir, 'model.onnx');
      const info = await exportCheckpoint(runDir, path);
      sessions.delete(path);
      return { path, info };
    },

    classify: async (request): Promise<ClassifyResult> => {
      const file = resolve(request.model);
      const { mtimeMs } = await stat(file).catch(() => {
        throw new Error(`${request.model}: no such model file`);
      });
      const key = `${file}|${mtimeMs}|${request.preset ?? ''}`;
      let session = sessions.get(key);
      if (!session) {
        session = OnnxClassifier.open(file, { preset: request.preset });
        sessions.set(key, session);
        session.catch(() => sessions.delete(key));
      }
      const model = await session;
      const rec = await prepareRecording(request.recording, model.info);
      const windows = request.timeline
        ? (await classifyTimeline(model, rec, request.strideSec)).map((p) => ({ startSec: p.startSec, probabilities: CLASSES.map((c) => p.probabilities[c]) }))
        : [{ startSec: 0, probabilities: Object.values(await classifyRecording(model, rec)) }];
      return { recording: request.recording, durationSec: rec.durationSec, model: model.info, windows };
    },
  };
}
