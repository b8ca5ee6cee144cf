import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { montageChannelNames } from '../../core/montage';
import { Random } from '../../core/random';
import type { CacheManifest, CacheWindow } from '../cache/build';
import { writeNpyFloat32 } from '../formats/npy';
import { BatchFeeder } from './batch-feeder';
import { DEFAULT_AUGMENTATION, loadBatch, planRows, type TrainingSet, writeRows } from './data';
import { WindowStore } from './window-store';

describe('BatchFeeder', () => {
  const channels = montageChannelNames('bipolar');
  const windowSamples = 10_000;
  const samples = 60_000;
  const rows = 32;
  let dir: string;
  let manifest: CacheManifest;
  let windows: CacheWindow[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-feeder-'));
    const rng = new Random(3);
    const recordings = Array.from({ length: 8 }, (_, i) => ({ eegId: `r${i}`, file: `r${i}.npy` }));
    for (const r of recordings)
      await writeNpyFloat32(
        join(dir, r.file),
        channels.map(() => Float32Array.from({ length: samples }, () => rng.normal())),
      );
    windows = recordings.flatMap((r, i) =>
      [0, 1, 2, 3, 4].map(
        (k) =>
          ({ eegId: r.eegId, labelId: `${r.eegId}-${k}`, startSample: 1000 + k * 11_000, target: [0, 0, 0, 0, 0, 0].map((_, c) => (c === (i + k) % 6 ? 1 : 0)) }) as CacheWindow,
      ),
    );
    manifest = { channels, recordings } as CacheManifest;
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The set with a store of its own; 16 MB holds less than one batch of 32 windows with their shift context. */
  const openSet = async (budgetBytes = 16 * 2 ** 20): Promise<TrainingSet> => ({
    cacheDir: dir,
    manifest,
    windows,
    store: await WindowStore.open(dir, manifest, budgetBytes),
    channels: channels.length,
    windowSamples,
  });
  // toEqual walks 6 million floats for minutes.
  const firstDifference = (a: Float32Array, b: Float32Array) => (a.length === b.length ? a.findIndex((v, i) => !Object.is(v, b[i])) : 0);
  const batchAt = (order: readonly CacheWindow[], step: number) => Array.from({ length: rows }, (_, i) => order[(step * rows + i) % order.length]);

  it('gives, batch after batch, what assembling them on this thread gives for the same seed', async () => {
    const [here, there] = [await openSet(), await openSet()];
    const feeder = BatchFeeder.start(there, rows);
    try {
      const [mine, its] = [new Random(9), new Random(9)];
      const x = new Float32Array(rows * windowSamples * channels.length);
      const y = new Float32Array(rows * 6);
      let next = feeder.assemble(batchAt(windows, 0), DEFAULT_AUGMENTATION, its);
      for (let step = 0; step < 4; step++) {
        const batch = await next;
        if (step < 3) next = feeder.assemble(batchAt(windows, step + 1), DEFAULT_AUGMENTATION, its);
        loadBatch(here, batchAt(windows, step), DEFAULT_AUGMENTATION);
        writeRows(here.store, planRows(here, batchAt(windows, step), DEFAULT_AUGMENTATION, mine), here, x, y);
        expect(firstDifference(batch.x, x)).toBe(-1);
        expect(batch.y).toEqual(y);
      }
    } finally {
      await feeder.close();
    }
  }, 60_000);

  it('assembles the next batch while this thread is held, as an onnxruntime step holds it', async () => {
    const set = await openSet();
    const feeder = BatchFeeder.start(set, rows);
    try {
      await feeder.assemble(batchAt(windows, 0), DEFAULT_AUGMENTATION, null);
      // What one batch costs when this thread assembles it, read from disk as the feeder's is.
      const here = await openSet();
      const t0 = performance.now();
      loadBatch(here, batchAt(windows, 1), DEFAULT_AUGMENTATION);
      writeRows(
        here.store,
        planRows(here, batchAt(windows, 1), DEFAULT_AUGMENTATION, null),
        here,
        new Float32Array(rows * windowSamples * channels.length),
        new Float32Array(rows * 6),
      );
      const assembleHereMs = performance.now() - t0;
      // This thread's share of the feeder's batch: the call, then the wait after a 2-s hold.
      const t1 = performance.now();
      const next = feeder.assemble(batchAt(windows, 1), DEFAULT_AUGMENTATION, null);
      const callMs = performance.now() - t1;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
      const t2 = performance.now();
      await next;
      const waitMs = performance.now() - t2;
      expect(callMs + waitMs).toBeLessThan(assembleHereMs / 4);
    } finally {
      await feeder.close();
    }
  }, 60_000);

  it('reports a read that fails, naming the file, and goes on serving', async () => {
    const set = await openSet();
    const feeder = BatchFeeder.start(set, rows);
    try {
      // Gone after the set was opened: the last test of this file, as r7's windows are unreadable from here on.
      await rm(join(dir, 'r7.npy'));
      await expect(feeder.assemble([windows[35]], DEFAULT_AUGMENTATION, null)).rejects.toThrow(`${join(dir, 'r7.npy')}: cannot open (ENOENT)`);
      expect((await feeder.assemble([windows[0], windows[1]], DEFAULT_AUGMENTATION, null)).y).toEqual(Float32Array.from([...windows[0].target, ...windows[1].target]));
    } finally {
      await feeder.close();
    }
  }, 60_000);
});
