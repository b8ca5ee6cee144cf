/**
 * The backend as the source of truth for training: a run is a job that lists what its events said
 * (so a page attaching late sees the same), a second run on the same data is refused, and a
 * cancel ends the job as cancelled; a page cannot make training write to a folder of its choosing.
 * Preprocessing and the training process are the real ones.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents, JobInfo } from '../../core/api';
import type { TrainEvent } from '../../core/training';
import { generateDataset } from '../generate/dataset';
import { createService } from './service';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-service-training-'));
  await generateDataset({ out: join(dir, 'data'), patients: 5, recordings: 1, testRecordings: 1, seed: 5 });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('training jobs', () => {
  it('lists a run with what its events said, refuses a second run on its data, and ends it as cancelled', async () => {
    const events: TrainEvent[] = [];
    const service = createService({
      dataDir: join(dir, 'app'),
      emit: (name, payload) => name === 'training' && events.push((payload as ApiEvents['training']).event),
    });
    // Many epochs: the run is still going on when the test cancels it.
    const request = { dataset: join(dir, 'data'), model: 'chainnet', epochs: 500, stages: ['kl' as const] };
    const { runDir } = await service.startTraining(request);
    // An error event would say why in the failure message.
    await expect.poll(() => JSON.stringify(events.find((e) => e.type === 'epoch' || e.type === 'error')), { timeout: 60_000 }).toMatch(/"type":"epoch"/);

    const [job] = (await service.listJobs({})) as JobInfo[];
    expect(job).toMatchObject({ id: `training:${runDir}`, kind: 'training', state: 'running' });
    expect(job.training).toMatchObject({ runDir, dataset: join(dir, 'data'), config: { epochs: 500, stages: ['kl'] } });
    expect(job.training!.started!.trainWindows).toBeGreaterThan(0);
    expect(job.training!.progress!.runShare).toBeGreaterThan(0);
    expect(job.training!.progress!.runShare).toBeLessThan(0.1);
    const epochs = job.training!.history.map((h) => h.epoch);
    expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, k) => k + 1));

    await expect(service.startTraining(request)).rejects.toThrow(/a training run on .* is already going on \(run folder .*\): cancel it or wait/);
    await expect(service.startTraining({ ...request, dataset: dir, runDir })).rejects.toThrow(`a training run is already going on in ${runDir}`);

    await service.cancelTraining({ runDir });
    // The run stops after its current step: on a busy machine that is seconds away.
    await expect.poll(async () => ((await service.listJobs({})) as JobInfo[])[0].state, { timeout: 30_000 }).toBe('cancelled');
    const [ended] = await service.listJobs({});
    expect(ended.training!.result).toMatchObject({ status: 'cancelled' });
    expect(ended.training!.result!.epochs).toBeGreaterThanOrEqual(epochs.length);
    // The job ends when the run says so; its process exits a moment later, and then nothing is left to cancel.
    await expect
      .poll(() =>
        service.cancelTraining({ runDir }).then(
          () => 'still cancellable',
          (e: Error) => e.message,
        ),
      )
      .toContain('no training is running');
    // What a packaged app's user reads with "Open log": the process's story, from its log file.
    const log = await service.readTrainingLog({ runDir });
    expect(log.path).toBe(join(runDir, 'training.log'));
    expect(log.text).toMatch(/training process \d+ started\n(.|\n)*cancelled after \d+ epochs \(cancelled\); exit code 0/);
    await expect(service.readTrainingLog({ runDir: join(dir, 'data') })).rejects.toThrow('has no training log yet');
  }, 120_000);

  it("writes only to a new folder in the app's runs folder or to an existing run folder", async () => {
    const service = createService({ dataDir: join(dir, 'app2') });
    const elsewhere = join(dir, 'not-a-run');
    await mkdir(elsewhere);
    const request = { dataset: join(dir, 'data'), model: 'chainnet', epochs: 1, stages: ['kl' as const], runDir: elsewhere };
    await expect(service.startTraining(request)).rejects.toThrow(`${elsewhere} is not a run folder (it holds no run.json)`);
    await expect(service.startTraining({ ...request, runDir: join(dir, 'nowhere', 'deep') })).rejects.toThrow('is not a run folder');
    expect(await service.listJobs({})).toEqual([]);
  });
});
