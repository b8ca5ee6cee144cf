/**
 * The service's ONNX sessions: one per version of a model file, reused while the file stays as it
 * is, and closed once the file is replaced (by an export, or by anything else on disk). Real
 * onnxruntime sessions on the small model the corpus uses.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClassifyRequest } from '../../core/api';
import { checkpointMeta, encodeEdfSeconds, tinyModelBytes, tinyWeights } from '../hostile/shared';
import { OnnxClassifier } from '../onnx/classifier';
import { createModelHandlers } from './models';
import { writeCheckpoint } from '../train/checkpoint';

let dir: string;
let request: ClassifyRequest;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-service-models-'));
  request = { recording: join(dir, 'recording.edf'), modelPath: join(dir, 'model.onnx'), timeline: false, strideSec: 10 };
  await writeFile(request.recording, encodeEdfSeconds(60));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Sets a file's modification time `sec` seconds from now, as a file written again would have. */
const touch = (path: string, sec: number) => utimes(path, new Date(), new Date(Date.now() + sec * 1000));

describe('model sessions', () => {
  it('keeps one session while the model file stays as it is, and closes it once the file changes on disk', async () => {
    await writeFile(request.modelPath, tinyModelBytes());
    const opened = vi.spyOn(OnnxClassifier, 'open');
    const closed = vi.spyOn(OnnxClassifier.prototype, 'close');
    const models = createModelHandlers();
    await models.classify(request);
    await models.classify(request);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(closed).not.toHaveBeenCalled();

    await touch(request.modelPath, 5);
    await models.classify(request);
    expect(opened).toHaveBeenCalledTimes(2);
    await expect.poll(() => closed.mock.calls.length).toBe(1);
    expect(closed.mock.contexts[0]).toBe(await opened.mock.results[0].value);
  });

  it('closes every session of a run model that an export replaces', async () => {
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    await writeCheckpoint(join(runDir, 'best.ckpt'), { meta: checkpointMeta(), arrays: { weights: tinyWeights() } });
    await writeFile(join(runDir, 'run.json'), JSON.stringify({ status: 'finished', evaluation: { valKL: 1, valKL10: 1, priorKL: 1, accuracy: 0.5 } }));
    const models = createModelHandlers();
    const { path } = await models.exportModel({ runDir });
    const closed = vi.spyOn(OnnxClassifier.prototype, 'close');
    await models.classify({ ...request, modelPath: path });
    await models.exportModel({ runDir });
    await expect.poll(() => closed.mock.calls.length).toBe(1);
  });
});
