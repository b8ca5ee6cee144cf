import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { montageChannelNames } from '../../core/montage';
import type { CacheManifest, CacheWindow } from '../cache/build';
import { Random } from '../../core/random';
import { writeNpyFloat32 } from '../formats/npy';
import { type Augmentation, DEFAULT_AUGMENTATION, fillBatch, hemisphereMirror, loadBatch, NO_AUGMENTATION, patientFolds, type TrainingSet } from './data';
import { WindowStore } from './window-store';

describe('patientFolds', () => {
  it('never puts one patient in two folds and keeps the folds near equal in windows', () => {
    const rng = new Random(4);
    const windows = Array.from({ length: 240 }, () => ({ patientId: `p${rng.int(0, 29)}` }));
    const folds = patientFolds(windows, 5, 1);
    const foldOf = new Map<string, number>();
    windows.forEach((w, i) => {
      expect(foldOf.get(w.patientId) ?? folds[i]).toBe(folds[i]);
      foldOf.set(w.patientId, folds[i]);
    });
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(Math.max(...[...foldOf.keys()].map((p) => windows.filter((w) => w.patientId === p).length)));
    expect(patientFolds(windows, 5, 1)).toEqual(folds);
    expect(() => patientFolds(windows.slice(0, 3), 5, 1)).toThrow('5 folds need at least 5 patients');
  });
});

describe('fillBatch', () => {
  const channels = montageChannelNames('bipolar');
  const length = 40;
  const windowSamples = 10;
  // Sample t of channel c holds 100·c + t, so every value says where it came from.
  const recording = channels.map((_, c) => Float32Array.from({ length }, (_, t) => 100 * c + t));
  const window = { eegId: 'e', labelId: 'l', startSample: 15, target: [0, 1, 0, 0, 0, 0] } as CacheWindow;
  let dir: string;
  let set: TrainingSet;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-fill-'));
    await writeNpyFloat32(join(dir, 'e.npy'), recording);
    const manifest = { channels, sampleRateHz: 200, recordings: [{ eegId: 'e', file: 'e.npy' }] } as CacheManifest;
    set = { cacheDir: dir, manifest, windows: [window], store: await WindowStore.open(dir, manifest), channels: channels.length, windowSamples };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const fill = async (x: Float32Array, y: Float32Array, augmentation: Augmentation, rng: Random | null) => {
    await loadBatch(set, [window], augmentation);
    fillBatch(set, [window], x, y, augmentation, rng);
  };

  it('lays a window out time-major, [samples, channels], with its target', async () => {
    const x = new Float32Array(windowSamples * channels.length);
    const y = new Float32Array(6);
    await fill(x, y, NO_AUGMENTATION, null);
    expect(x[0]).toBe(15);
    expect(x[1]).toBe(115);
    expect(x[3 * channels.length + 18]).toBe(1800 + 18);
    expect(Array.from(y)).toEqual(window.target);
  });

  it('mirrors left and right chains, negates, and shifts within the recording when augmenting', async () => {
    const mirror = hemisphereMirror(channels)!;
    expect(mirror.map((r) => channels[r]).slice(0, 4)).toEqual(['Fp2-F8', 'F8-T4', 'T4-T6', 'T6-O2']);
    expect(mirror.slice(16)).toEqual([16, 17, 18]);
    expect(hemisphereMirror(montageChannelNames('referential'))).toBeNull();
    const seen = { mirrored: false, negated: false, shifts: new Set<number>() };
    const x = new Float32Array(windowSamples * channels.length);
    const y = new Float32Array(6);
    const rng = new Random(2);
    for (let i = 0; i < 200; i++) {
      await fill(x, y, { ...DEFAULT_AUGMENTATION, shiftSamples: 30, scale: 1 }, rng);
      const first = Math.abs(x[0]);
      const start = first % 100;
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThanOrEqual(length - windowSamples);
      seen.shifts.add(start);
      if (first >= 400) seen.mirrored = true;
      if (x[1] < 0) seen.negated = true;
      // The EKG row never moves.
      expect(Math.abs(x[18]) - start).toBe(1800);
    }
    expect(seen.mirrored && seen.negated).toBe(true);
    expect(seen.shifts.has(0) && seen.shifts.has(length - windowSamples)).toBe(true);
  });

  it('cuts a 50-Hz cache at the label start (200 Hz) ÷ 4, and shifts it by whole stored samples, a quarter of the 200-Hz limit', async () => {
    const at50: TrainingSet = { ...set, manifest: { ...set.manifest, sampleRateHz: 50 } };
    const labelled = { ...window, startSample: 4 * 15 };
    const x = new Float32Array(windowSamples * channels.length);
    const y = new Float32Array(6);
    await loadBatch(at50, [labelled], NO_AUGMENTATION);
    fillBatch(at50, [labelled], x, y, NO_AUGMENTATION, null);
    expect([x[0], x[1]]).toEqual([15, 115]);
    const shifts = new Set<number>();
    const rng = new Random(3);
    const augmentation = { ...NO_AUGMENTATION, shiftSamples: 30 };
    for (let i = 0; i < 200; i++) {
      await loadBatch(at50, [labelled], augmentation);
      fillBatch(at50, [labelled], x, y, augmentation, rng);
      shifts.add(x[0] - 15);
    }
    expect([...shifts].sort((a, b) => a - b)).toEqual([-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('scales a window as a whole by at most the given factor either way', async () => {
    const x = new Float32Array(windowSamples * channels.length);
    const y = new Float32Array(6);
    const rng = new Random(5);
    const factors = new Set<string>();
    for (let i = 0; i < 100; i++) {
      await fill(x, y, { ...NO_AUGMENTATION, scale: 1.25 }, rng);
      // Sample 1 of chain 3 is 100·3 + 16 before scaling; every value carries the same factor.
      const factor = Math.abs(x[channels.length + 3]) / 316;
      expect(factor).toBeGreaterThanOrEqual(0.8 - 1e-6);
      expect(factor).toBeLessThanOrEqual(1.25 + 1e-6);
      expect(Math.abs(x[5 * channels.length + 7]) / (700 + 20)).toBeCloseTo(factor, 5);
      factors.add(factor.toFixed(3));
    }
    expect(factors.size).toBeGreaterThan(50);
  });
});
