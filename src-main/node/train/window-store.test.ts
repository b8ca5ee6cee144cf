import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheManifest } from '../cache/build';
import { encodeNpy, readNpyFloat32Slice, writeNpyFloat32 } from '../formats/npy';
import { Random } from '../../core/random';
import { BLOCK_SAMPLES, WindowStore } from './window-store';

describe('WindowStore', () => {
  const channels = 3;
  // Lengths that end inside a block, past one and at one's edge.
  const lengths = { a: 3 * BLOCK_SAMPLES + 717, b: 2 * BLOCK_SAMPLES, c: 450 };
  let dir: string;
  let manifest: CacheManifest;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-store-'));
    const rng = new Random(7);
    for (const [id, length] of Object.entries(lengths))
      await writeNpyFloat32(
        join(dir, `${id}.npy`),
        Array.from({ length: channels }, () => Float32Array.from({ length }, () => rng.uniform(-100, 100))),
      );
    manifest = { recordings: Object.keys(lengths).map((id) => ({ eegId: id, file: `${id}.npy` })) } as CacheManifest;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Every channel of [from, from + count) as the store gives it, channel-major. */
  const read = (store: WindowStore, id: string, from: number, count: number) => {
    const out = new Float32Array(channels * count);
    for (let c = 0; c < channels; c++) store.copy(id, c, from, count, out, { offset: c * count, stride: 1, scale: 1 });
    return out;
  };
  const whole = async (id: string, from: number, count: number) => {
    const rows = await readNpyFloat32Slice(join(dir, `${id}.npy`), from, from + count);
    const out = new Float32Array(channels * count);
    rows.forEach((r, c) => out.set(r, c * count));
    return out;
  };

  it('gives the samples a whole-file read gives, at any range across block edges', async () => {
    const store = await WindowStore.open(dir, manifest);
    const rng = new Random(3);
    for (let i = 0; i < 40; i++) {
      const id = (['a', 'b', 'c'] as const)[i % 3];
      const count = rng.int(1, lengths[id]);
      const from = rng.int(0, lengths[id] - count);
      await store.load([{ eegId: id, from, to: from + count }]);
      expect(read(store, id, from, count)).toEqual(await whole(id, from, count));
    }
    // Edges: a span reaching outside the recording loads what exists.
    await store.load([{ eegId: 'a', from: -500, to: lengths.a + 500 }]);
    expect(read(store, 'a', 0, lengths.a)).toEqual(await whole('a', 0, lengths.a));
    expect(store.samples('a')).toBe(lengths.a);
  });

  it('reads a recording longer than one scattered read may take buffers for (IOV_MAX, 1024 blocks) in one load', async () => {
    const length = 1100 * BLOCK_SAMPLES + 3;
    // Sample t of channel c holds c·length + t: exact in float32, and every value says where it came from.
    const rows = Array.from({ length: channels }, (_, c) => Float32Array.from({ length }, (_, t) => c * length + t));
    await writeNpyFloat32(join(dir, 'long.npy'), rows);
    const store = await WindowStore.open(dir, { recordings: [{ eegId: 'long', file: 'long.npy' }] } as CacheManifest);
    await store.load([{ eegId: 'long', from: 0, to: length }]);
    const out = read(store, 'long', 0, length);
    // toEqual would walk 6.6 million floats for minutes.
    expect(rows.map((r, c) => out.subarray(c * length, (c + 1) * length).findIndex((v, t) => v !== r[t]))).toEqual([-1, -1, -1]);
  });

  it('holds no more than its budget, reads again what it let go, and gives the same samples', async () => {
    const blockBytes = channels * BLOCK_SAMPLES * 4;
    const store = await WindowStore.open(dir, manifest, 2 * blockBytes);
    const first = await (async () => {
      await store.load([{ eegId: 'a', from: 0, to: BLOCK_SAMPLES }]);
      return read(store, 'a', 0, BLOCK_SAMPLES);
    })();
    for (const id of ['b', 'a', 'b'] as const) {
      await store.load([{ eegId: id, from: BLOCK_SAMPLES, to: 2 * BLOCK_SAMPLES + 10 }]);
      expect(store.heldBytes).toBeLessThanOrEqual(2 * blockBytes);
    }
    // The reads refill the arrays of the blocks let go.
    expect(store.blockArrays).toBeLessThan(store.blockReads);
    const readsBefore = store.blockReads;
    await store.load([{ eegId: 'a', from: 0, to: BLOCK_SAMPLES }]);
    expect(store.blockReads).toBe(readsBefore + 1);
    expect(read(store, 'a', 0, BLOCK_SAMPLES)).toEqual(first);
    // One batch that needs more than the budget is still served whole; the excess goes at the next load.
    await store.load([{ eegId: 'a', from: 0, to: lengths.a }]);
    expect(read(store, 'a', 0, lengths.a)).toEqual(await whole('a', 0, lengths.a));
    await store.load([{ eegId: 'c', from: 0, to: 10 }]);
    expect(store.heldBytes).toBeLessThanOrEqual(2 * blockBytes);
  });

  it('shares the blocks of overlapping windows instead of reading them twice', async () => {
    const store = await WindowStore.open(dir, manifest);
    await store.load([{ eegId: 'a', from: 100, to: 2 * BLOCK_SAMPLES + 100 }]);
    await store.load([{ eegId: 'a', from: 300, to: 2 * BLOCK_SAMPLES + 300 }]);
    expect(store.blockReads).toBe(3);
  });

  it('reads a float16 cache as the float32 values numpy would give', async () => {
    const rows = await readNpyFloat32Slice(join(dir, 'a.npy'), 0, lengths.a);
    await writeFile(join(dir, 'half.npy'), encodeNpy(rows, 'float16'));
    const store = await WindowStore.open(dir, { recordings: [{ eegId: 'half', file: 'half.npy' }] } as CacheManifest);
    const from = BLOCK_SAMPLES - 100;
    await store.load([{ eegId: 'half', from, to: from + 3000 }]);
    const out = new Float32Array(3000);
    store.copy('half', 2, from, 3000, out, { offset: 0, stride: 1, scale: 1 });
    expect(out).toEqual((await readNpyFloat32Slice(join(dir, 'half.npy'), from, from + 3000))[2]);
    expect(out).not.toEqual(rows[2].subarray(from, from + 3000));
  });

  it('names the file when one is missing or shorter than its header says', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'hms-store-broken-'));
    try {
      await writeNpyFloat32(join(broken, 'x.npy'), [new Float32Array(5000)]);
      await truncate(join(broken, 'x.npy'), 1000);
      await expect(WindowStore.open(broken, { recordings: [{ eegId: 'x', file: 'x.npy' }] } as CacheManifest)).rejects.toThrow(
        `${join(broken, 'x.npy')}: the file is shorter than its header says`,
      );
      await expect(WindowStore.open(broken, { recordings: [{ eegId: 'y', file: 'y.npy' }] } as CacheManifest)).rejects.toThrow(`${join(broken, 'y.npy')}: cannot open (ENOENT)`);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
