/**
 * The backend's batches: a batch started through the service is a job whose status, rows and
 * timelines a page can ask for while it runs and after; a bad file fails alone with its message; a
 * second batch into the same folder is refused; and a page cannot make a batch write to a folder
 * of its choosing. The batch's worker threads, onnxruntime and the files are the real ones.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents, JobInfo } from '../../core/api';
import { generateDataset } from '../generate/dataset';
import { tinyModelBytes } from '../hostile/shared';
import { createService } from './service';

let dir: string;
let archive: string;
let model: string;
let recordings: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-service-batch-'));
  await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 1, testRecordings: 1, seed: 6 });
  archive = join(dir, 'archive');
  await mkdir(join(archive, 'site'), { recursive: true });
  recordings = (await readdir(join(dir, 'data', 'train_eegs'))).sort().map((f) => `site/${f}`);
  for (const rel of recordings) await copyFile(join(dir, 'data', 'train_eegs', rel.slice(5)), join(archive, rel));
  await writeFile(join(archive, 'garbage.edf'), 'not an EDF at all');
  model = join(dir, 'tiny.onnx');
  await writeFile(model, tinyModelBytes());
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('batches in the backend', () => {
  it('runs a batch as a job: its status, rows and timelines, a bad file failed with its message, a second start refused', async () => {
    const events: ApiEvents['batch'][] = [];
    const service = createService({ dataDir: join(dir, 'app'), emit: (name, payload) => name === 'batch' && events.push(payload as ApiEvents['batch']) });
    const { out } = await service.startBatch({ input: archive, modelPath: model, workers: 2, strideSec: 5 });
    expect(out.startsWith(join(dir, 'app', 'batches'))).toBe(true);
    await expect(service.startBatch({ input: archive, modelPath: model, out })).rejects.toThrow(`a batch is already running into ${out}: stop it or wait for it to end`);
    await expect.poll(() => events.at(-1)?.state, { timeout: 60_000 }).toBe('finished');

    const [job] = (await service.listJobs({})) as JobInfo[];
    expect(job).toMatchObject({
      id: `batch:${out}`,
      kind: 'batch',
      state: 'finished',
      batch: { out, root: archive, windowSec: 50, request: { input: archive, modelPath: model, out } },
    });
    const status = await service.batchStatus({ out });
    expect(status).toMatchObject({ source: out, state: 'finished', total: 3, skipped: 0, queued: 0, running: 0, done: 2, failed: 1 });
    expect(status.workers.map((w) => w.name)).toEqual(['thread 1', 'thread 2']);
    expect(status.workers.reduce((n, w) => n + w.done + w.failed, 0)).toBe(3);
    expect(events.some((e) => e.state === 'running' && e.status?.state === 'running')).toBe(true);

    const rows = await service.batchResults({ out });
    expect(rows.map((r) => [r.path, r.status])).toEqual([['garbage.edf', 'failed'], ...recordings.map((r) => [r, 'done'])]);
    expect(rows[0].error).toContain('garbage.edf: too short for an EDF header');
    expect((await stat(join(out, 'summary.csv'))).isFile()).toBe(true);
    for (const row of rows.slice(1)) {
      const timeline = await service.readBatchTimeline({ out, recording: row.path });
      expect(timeline.recording).toBe(join(archive, row.path));
      expect(timeline).toMatchObject({ durationSec: row.durationSec, windowSec: 50, strideSec: 5 });
      expect(timeline.windows).toHaveLength(row.windows!);
      expect(timeline.windows[1].startSec - timeline.windows[0].startSec).toBe(5);
      for (const w of timeline.windows) expect(w.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    await expect(service.readBatchTimeline({ out, recording: 'garbage.edf' })).rejects.toThrow('garbage.edf has no timeline: ');
    await expect(service.readBatchTimeline({ out, recording: '../../etc/passwd' })).rejects.toThrow('../../etc/passwd: not a recording of the batch into');
    await expect(service.stopBatch({ out })).rejects.toThrow(`no batch is running into ${out}`);

    // Into the same folder again: every result is kept, the bad file tried again.
    await service.startBatch({ input: archive, modelPath: model, out, strideSec: 5 });
    await expect.poll(() => events.at(-1)?.state, { timeout: 60_000 }).toBe('finished');
    expect(await service.batchStatus({ out })).toMatchObject({ total: 3, skipped: 2, done: 0, failed: 1 });
  }, 120_000);

  it('stops a batch after the recordings under way, keeping what is done', async () => {
    const events: ApiEvents['batch'][] = [];
    const service = createService({ dataDir: join(dir, 'app-stop'), emit: (name, payload) => name === 'batch' && events.push(payload as ApiEvents['batch']) });
    const { out } = await service.startBatch({ input: archive, modelPath: model, workers: 1 });
    await service.stopBatch({ out });
    await expect.poll(() => events.at(-1)?.state, { timeout: 60_000 }).toBe('cancelled');
    const status = await service.batchStatus({ out });
    expect(status.state).toBe('stopped');
    expect(status.done + status.failed).toBeLessThan(3);
    expect(status.queued).toBeGreaterThan(0);
  }, 60_000);

  it("writes only below the app's batches folder or into an earlier batch's folder, and says so", async () => {
    const service = createService({ dataDir: join(dir, 'app2') });
    const elsewhere = join(dir, 'not-results');
    await mkdir(elsewhere);
    await expect(service.startBatch({ input: archive, modelPath: model, out: elsewhere })).rejects.toThrow(
      `${elsewhere} is not a results folder (it holds no .batch-status.json): a new batch writes below the app's batches folder (${join(dir, 'app2', 'batches')})`,
    );
    await expect(service.startBatch({ input: archive, modelPath: model, out: join(dir, 'app2', 'batches', '..', '..', 'escaped') })).rejects.toThrow('is not a results folder');
    expect(await readdir(elsewhere)).toEqual([]);
    await expect(stat(join(dir, 'escaped'))).rejects.toThrow();
    expect(await service.listJobs({})).toEqual([]);

    // A folder the page cannot name at will is still readable: its status, when a batch wrote one.
    await expect(service.batchStatus({ out: elsewhere })).rejects.toThrow(`${elsewhere}: no batch has run into this results folder`);
    await expect(service.batchResults({ out: elsewhere })).rejects.toThrow(`${elsewhere}: no batch of this app has run into this folder since it started`);
    await expect(service.stopBatch({ out: elsewhere })).rejects.toThrow('no batch of this app has run into this folder');

    // A model or folder that cannot be used is said at once, and no job is left running.
    await expect(service.startBatch({ input: archive, modelPath: join(dir, 'none.onnx') })).rejects.toThrow('none.onnx');
    await expect(service.startBatch({ input: join(dir, 'no-such-folder'), modelPath: model })).rejects.toThrow('no-such-folder');
    expect((await service.listJobs({})).map((j) => j.state)).toEqual(['failed']);
  }, 60_000);
});
