/**
 * The backend as the source of truth for training: a run is a job that lists what its events said
 * (so a page attaching late sees the same), a second run on the same data is refused, and a
 * cancel ends the job as cancelled. The training process is a stand-in; preprocessing is real.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents, JobInfo } from '../core/api';
import type { TrainEvent, TrainResult } from '../core/training';
import { generateDataset } from './generate/dataset';
import { createService } from './service';
import type { TrainingLauncher } from './service-training';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-service-training-'));
  await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 1, testRecordings: 1, seed: 5 });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A training process that finishes one epoch, then waits for a cancel. */
const fakeLauncher: TrainingLauncher = (config, runDir, onEvent) => {
  let stop!: () => void;
  const cancelled = new Promise<void>((resolve) => (stop = resolve));
  const record = { stage: 'kl' as const, epoch: 1, trainLoss: 1, valKL: 2, valKL10: 2, lr: 1e-3, seconds: 0.1 };
  const done = (async (): Promise<TrainResult> => {
    onEvent({ type: 'started', backend: { name: 'wasm', device: 'cpu', threads: 1 }, trainWindows: 3, valWindows: 1, parameters: 10, resumedFromEpoch: 0 });
    onEvent({ type: 'progress', stage: 'kl', epoch: 1, step: 1, steps: 1, loss: 1, samplesPerSec: 10, etaSec: 5, runShare: 0.5 });
    onEvent({ type: 'epoch', record, best: true });
    await cancelled;
    const result: TrainResult = {
      status: 'cancelled',
      runDir,
      config,
      backend: { name: 'wasm', device: 'cpu', threads: 1 },
      epochs: 1,
      bestEpoch: 1,
      stopReason: 'cancelled',
      history: [record],
      trainWindows: 3,
      valWindows: 1,
      seconds: 1,
    };
    onEvent({ type: 'done', result });
    return result;
  })();
  return { pid: 1, cancel: () => stop(), done };
};

describe('training jobs', () => {
  it('lists a run with what its events said, refuses a second run on its data, and ends it as cancelled', async () => {
    const events: TrainEvent[] = [];
    const service = createService({
      dataDir: join(dir, 'app'),
      launchTraining: fakeLauncher,
      emit: (name, payload) => name === 'training' && events.push((payload as ApiEvents['training']).event),
    });
    const request = { dataset: join(dir, 'data'), model: 'chainnet', epochs: 2, stages: ['kl' as const] };
    const { runDir } = await service.startTraining(request);
    await expect.poll(() => events.find((e) => e.type === 'epoch' || e.type === 'error')?.type, { timeout: 30_000 }).toBe('epoch');

    const [job] = (await service.listJobs({})) as JobInfo[];
    expect(job).toMatchObject({ id: `training:${runDir}`, kind: 'training', state: 'running' });
    expect(job.training).toMatchObject({ runDir, dataset: join(dir, 'data'), config: { epochs: 2, stages: ['kl'] }, started: { trainWindows: 3 }, progress: { runShare: 0.5 } });
    expect(job.training!.history.map((h) => h.epoch)).toEqual([1]);

    await expect(service.startTraining(request)).rejects.toThrow(/a training run on .* is already going on \(run folder .*\): cancel it or wait/);
    await expect(service.startTraining({ ...request, dataset: dir, runDir })).rejects.toThrow(`a training run is already going on in ${runDir}`);

    await service.cancelTraining({ runDir });
    await expect.poll(async () => ((await service.listJobs({})) as JobInfo[])[0].state).toBe('cancelled');
    const [ended] = await service.listJobs({});
    expect(ended.training!.result).toMatchObject({ status: 'cancelled', epochs: 1 });
    await expect(service.cancelTraining({ runDir })).rejects.toThrow('no training is running');
  }, 60_000);
});
