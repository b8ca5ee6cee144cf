/**
 * The service's model calls: the shipped architectures, export of a run's best checkpoint, and
 * classification with ONNX models (sessions kept open between calls: a model is loaded once).
 * Training is in training.ts.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApiHandlers, ClassifyResult } from '../../core/api';
import { CLASSES } from '../../core/eeg';
import { InputError } from '../../core/errors';
import { MODELS, DEFAULT_MODEL } from '../../core/model-zoo';
import { describeModel } from '../../core/models';
import { classifyFileTimeline, classifyFileWindow } from '../infer/file-timeline';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { OnnxClassifier } from '../onnx/classifier';

type ModelHandlers = Pick<ApiHandlers, 'listModels' | 'exportModel' | 'classify'>;

export function createModelHandlers(): ModelHandlers {
  // Keyed `file|mtime|preset`: a file changed on disk gets a session of its own.
  const sessions = new Map<string, Promise<OnnxClassifier>>();
  /** Closes the sessions of `file` but those of the version modified at `keptMtimeMs`: a replaced file's would stay open for good. */
  const closeStale = (file: string, keptMtimeMs?: number) => {
    for (const [key, session] of sessions) {
      const kept = keptMtimeMs !== undefined && key.startsWith(`${file}|${keptMtimeMs}|`);
      if (kept || !key.startsWith(`${file}|`)) continue;
      sessions.delete(key);
      void session.then(
        (s) => s.close(),
        () => {},
      );
    }
  };

  return {
    listModels: async () => MODELS.map((m) => ({ name: m.name, description: m.description, parameters: describeModel(m).parameters, isDefault: m === DEFAULT_MODEL })),

    exportModel: async ({ runDir }) => {
      const path = join(runDir, 'model.onnx');
      const info = await exportCheckpoint(runDir, path);
      closeStale(resolve(path));
      return { path, info };
    },

    classify: async (request): Promise<ClassifyResult> => {
      const file = resolve(request.modelPath);
      const { mtimeMs } = await stat(file).catch(() => {
        throw new InputError(`${request.modelPath}: no such model file`, 'ENOENT');
      });
      const key = `${file}|${mtimeMs}|${request.preset ?? ''}`;
      let session = sessions.get(key);
      if (!session) {
        closeStale(file, mtimeMs);
        session = OnnxClassifier.open(file, { preset: request.preset });
        sessions.set(key, session);
        session.catch(() => sessions.delete(key));
      }
      const model = await session;
      if (request.timeline) {
        const timeline = await classifyFileTimeline(model, request.recording, request.strideSec);
        const windows = timeline.points.map((p) => ({ startSec: p.startSec, probabilities: CLASSES.map((c) => p.probabilities[c]) }));
        return { recording: request.recording, durationSec: timeline.durationSec, model: model.info, windows };
      }
      const one = await classifyFileWindow(model, request.recording);
      return { recording: request.recording, durationSec: one.durationSec, model: model.info, windows: [{ startSec: 0, probabilities: Object.values(one.probabilities) }] };
    },
  };
}
