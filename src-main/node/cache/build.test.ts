import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMS_CHANNELS, WINDOW_SAMPLES } from '../../core/eeg';
import { DEFAULT_PREPROCESS, preprocessRecording } from '../../core/preprocess';
import { writeBenchFolder } from '../bench/preprocess-bench';
import { readHmsEegParquet } from '../formats/parquet';
import { writeHmsParquet } from '../formats/parquet-write';
import { spawnHms } from '../cli/run-hms';
import { LOCK_FILE, lockFolder } from '../folder-lock';
import { buildCache } from './build';
import { readCacheManifest, readCachedWindow } from './read';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder of `files` 50-s EEGs, one with a 90-s recording and three windows. */
async function dataset(name: string, files: number): Promise<string> {
  const root = join(dir, name);
  await writeBenchFolder(root, files);
  const long = Array.from(HMS_CHANNELS, (name, c) => ({
    name,
    type: 'FLOAT' as const,
    data: Float32Array.from({ length: 18_000 }, (_, i) => Math.round(3000 * Math.sin(i / (7 + c))) / 100),
  }));
  // A window whose Fp1 is missing for 30 s, past the 20% NaN threshold.
  long[0].data.fill(NaN, 12_000, 18_000);
  await writeHmsParquet(join(root, 'train_eegs', '77.parquet'), long);
  const csv = await readFile(join(root, 'train.csv'), 'utf8');
  await writeFile(
    join(root, 'train.csv'),
    csv + ['77,0,0,77,0,0,9001,500,LPD,0,3,0,0,0,0', '77,1,20,77,1,20,9002,500,LPD,0,3,0,0,0,0', '77,2,40,77,2,40,9003,500,LPD,0,2,0,0,0,1'].join('\n') + '\n',
  );
  return root;
}

describe('processed cache', () => {
  it('holds every window, preprocessed exactly as the core does, readable without parquet', async () => {
    const root = await dataset('full', 4);
    const out = join(dir, 'full-cache');
    const progress: number[] = [];
    const result = await buildCache(root, out, { threads: 2, onProgress: (p) => progress.push(p.done) });
    const manifest = await readCacheManifest(out);
    expect(result.manifest).not.toBeNull();
    expect(progress.at(-1)).toBe(5);
    expect(manifest.recordings).toHaveLength(5);
    expect(manifest.windows).toHaveLength(7);
    expect(manifest.channels).toHaveLength(19);
    expect(manifest.recordings.find((r) => r.eegId === '77')!.shape).toEqual([19, 18_000]);
    expect(manifest.recordings[0].source.sha1).toMatch(/^[0-9a-f]{40}$/);

    const rejected = manifest.windows.filter((w) => w.rejected);
    expect(rejected.map((w) => w.labelId)).toEqual(['9003']);
    expect(rejected[0].rejected).toMatch(/Fp1/);

    const w = manifest.windows.find((x) => x.labelId === '9002')!;
    expect(w.startSample).toBe(4000);
    const cached = await readCachedWindow(out, manifest, w);
    const reference = preprocessRecording(await readHmsEegParquet(join(root, 'train_eegs', '77.parquet')), DEFAULT_PREPROCESS);
    expect(cached).toHaveLength(19);
    expect(Array.from(cached[5])).toEqual(Array.from(reference.data[5].subarray(4000, 4000 + WINDOW_SAMPLES)));
  });

  it('stores float16 when asked: half the bytes, each sample within 2^-11 of the float32 cache, and a changed dtype rebuilds', async () => {
    const root = await dataset('half', 2);
    const [full, half] = [join(dir, 'half-32'), join(dir, 'half-16')];
    await buildCache(root, full, { threads: 2 });
    await buildCache(root, half, { threads: 2, dtype: 'float16' });
    const [m32, m16] = await Promise.all([readCacheManifest(full), readCacheManifest(half)]);
    expect([m32.dtype, m16.dtype]).toEqual(['float32', 'float16']);
    const r = m16.recordings.find((x) => x.eegId === '77')!;
    const [b32, b16] = await Promise.all([stat(join(full, r.file)), stat(join(half, r.file))]);
    expect(b16.size / b32.size).toBeCloseTo(0.5, 2);
    const w = m16.windows.find((x) => x.labelId === '9002')!;
    const [a, b] = await Promise.all([readCachedWindow(full, m32, w), readCachedWindow(half, m16, w)]);
    let worst = 0;
    a.forEach((row, c) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(b[c][i] - v) - Math.abs(v) * 2 ** -11))));
    expect(worst).toBeLessThanOrEqual(1e-7);
    await buildCache(root, half, { threads: 2 });
    expect((await readCacheManifest(half)).dtype).toBe('float32');
    expect((await stat(join(half, r.file))).size).toBe(b32.size);
  });

  it('stores 50 Hz when asked: each window the mean of each 4 samples of the 200-Hz window, a quarter of the bytes, and a changed rate rebuilds', async () => {
    const root = await dataset('rate', 2);
    const [at200, at50] = [join(dir, 'rate-200'), join(dir, 'rate-50')];
    await buildCache(root, at200, { threads: 2 });
    const built = await buildCache(root, at50, { threads: 2, rateHz: 50 });
    const [m200, m50] = await Promise.all([readCacheManifest(at200), readCacheManifest(at50)]);
    expect([m50.sampleRateHz, m50.windowSamples]).toEqual([50, 2500]);
    expect(m50.recordings.find((x) => x.eegId === '77')!.shape).toEqual([19, 4500]);
    // The same windows, judged at 200 Hz as the labels are.
    expect(m50.windows).toEqual(m200.windows);
    const r = m50.recordings.find((x) => x.eegId === '77')!;
    const [b200, b50] = await Promise.all([stat(join(at200, r.file)), stat(join(at50, r.file))]);
    expect(b50.size / b200.size).toBeCloseTo(0.25, 2);
    for (const labelId of ['9001', '9002']) {
      const w = m50.windows.find((x) => x.labelId === labelId)!;
      const [a, b] = await Promise.all([readCachedWindow(at200, m200, w), readCachedWindow(at50, m50, w)]);
      expect(b.map((row) => row.length)).toEqual(a.map(() => 2500));
      let worst = 0;
      a.forEach((row, c) => b[c].forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (row[4 * i] + row[4 * i + 1] + row[4 * i + 2] + row[4 * i + 3]) / 4)))));
      expect(worst).toBeLessThan(1e-4);
    }
    expect(built.resumed).toBe(0);
    const again = await buildCache(root, at50, { threads: 2 });
    expect(again.resumed).toBe(0);
    expect((await readCacheManifest(at50)).sampleRateHz).toBe(200);
    expect((await stat(join(at50, r.file))).size).toBe(b200.size);
  });

  it('reads a manifest that names no rate, from before the rate was a choice, as 200 Hz', async () => {
    const root = await dataset('norate', 1);
    const out = join(dir, 'norate-cache');
    await buildCache(root, out, { threads: 1 });
    const { sampleRateHz, ...older } = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(sampleRateHz).toBe(200);
    await writeFile(join(out, 'manifest.json'), JSON.stringify(older));
    expect((await readCacheManifest(out)).sampleRateHz).toBe(200);
    await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...older, sampleRateHz: 50 }));
    await expect(readCacheManifest(out)).rejects.toThrow('a cache of 10000-sample windows at 50 Hz; a cache holds 50-s windows at 200 or 50 Hz');
  });

  it('skips and reports a corrupt or missing file and keeps going', async () => {
    const root = await dataset('bad', 3);
    await writeFile(join(root, 'train_eegs', '1001.parquet'), 'not parquet at all');
    await rm(join(root, 'train_eegs', '1002.parquet'));
    const out = join(dir, 'bad-cache');
    const { manifest } = await buildCache(root, out, { threads: 2 });
    expect(manifest!.skipped.map((s) => s.eegId).sort()).toEqual(['1001', '1002']);
    expect(manifest!.skipped.find((s) => s.eegId === '1001')!.reason).toMatch(/1001\.parquet: not a readable parquet file/);
    expect(manifest!.skipped.find((s) => s.eegId === '1002')!.reason).toBe('file not found');
    expect(manifest!.windows.find((w) => w.eegId === '1001')!.rejected).toBe('the recording could not be read');
    expect(manifest!.recordings).toHaveLength(2);
  });

  it('stops when cancelled and resumes without redoing finished EEGs', async () => {
    const root = await dataset('resume', 6);
    const out = join(dir, 'resume-cache');
    const controller = new AbortController();
    const first = await buildCache(root, out, {
      threads: 1,
      signal: controller.signal,
      onProgress: (p) => p.done >= 2 && controller.abort(),
    });
    expect(first.manifest).toBeNull();
    await expect(stat(join(out, 'manifest.json'))).rejects.toThrow();
    const doneBefore = first.done;
    expect(doneBefore).toBeGreaterThanOrEqual(2);
    expect(doneBefore).toBeLessThan(7);

    const done = join(out, 'eegs', '1000.npy');
    const before = (await stat(done)).mtimeMs;
    const second = await buildCache(root, out, { threads: 2 });
    expect(second.manifest).not.toBeNull();
    expect(second.resumed).toBe(doneBefore);
    expect((await stat(done)).mtimeMs).toBe(before);
    expect(second.manifest!.recordings).toHaveLength(7);
  });

  it('redoes an EEG whose source changed or whose parameters differ', async () => {
    const root = await dataset('changed', 2);
    const out = join(dir, 'changed-cache');
    await buildCache(root, out, { threads: 1 });
    const again = await buildCache(root, out, { threads: 1, spec: { ...DEFAULT_PREPROCESS, montage: 'average' } });
    expect(again.resumed).toBe(0);
    expect(again.manifest!.channels[0]).toBe('Fp1-avg');
    await mkdir(join(root, 'unused'), { recursive: true });
    const third = await buildCache(root, out, { threads: 1, spec: { ...DEFAULT_PREPROCESS, montage: 'average' } });
    expect(third.resumed).toBe(3);
  });

  it('is built by one process at a time: a second build of the folder is refused, naming the first', async () => {
    const root = await dataset('locked', 1);
    const out = join(dir, 'locked-cache');
    const held = await lockFolder(out, 'preprocessing');
    try {
      await expect(buildCache(root, out, { threads: 1 })).rejects.toThrow(`${out}: in use (preprocessing by process ${process.pid}`);
    } finally {
      await held.release();
    }
    expect((await buildCache(root, out, { threads: 1 })).manifest).not.toBeNull();
    await expect(stat(join(out, LOCK_FILE))).rejects.toThrow();
  });

  it('killed -9 while rebuilding with other settings, leaves no manifest over the mix of old and new files; the next build finishes it', async () => {
    const root = await dataset('killed', 60);
    const out = join(dir, 'killed-cache');
    await buildCache(root, out, { threads: 1 });
    const oldParams = JSON.parse(await readFile(join(out, 'eegs', '1000.json'), 'utf8')).params;
    const rebuild = spawnHms('preprocess', root, '--out', out, '--montage', 'average', '--threads', '1');
    const exited = new Promise((resolve) => rebuild.once('exit', resolve));
    // Killed once some EEGs hold the new settings and others still the old.
    for (let redone = 0; redone < 3;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const sidecars = (await readdir(join(out, 'eegs'))).filter((f) => f.endsWith('.json'));
      const params = await Promise.all(
        sidecars.map((f) =>
          readFile(join(out, 'eegs', f), 'utf8').then(
            (t) => JSON.parse(t).params as string,
            () => oldParams,
          ),
        ),
      );
      redone = params.filter((p) => p !== oldParams).length;
      expect(redone).toBeLessThan(sidecars.length);
    }
    rebuild.kill('SIGKILL');
    await exited;
    await expect(stat(join(out, 'manifest.json'))).rejects.toThrow();
    await expect(readCacheManifest(out)).rejects.toThrow(`${out}: not a finished cache: it has no manifest.json`);
    // The killed build's lock names a dead process: taken over without a word.
    const finished = await buildCache(root, out, { threads: 2, spec: { ...DEFAULT_PREPROCESS, montage: 'average' } });
    expect(finished.resumed).toBeGreaterThanOrEqual(3);
    expect(finished.manifest!.channels[0]).toBe('Fp1-avg');
    const newParams = JSON.parse(await readFile(join(out, 'eegs', '1000.json'), 'utf8')).params;
    for (const f of (await readdir(join(out, 'eegs'))).filter((f) => f.endsWith('.json'))) expect(JSON.parse(await readFile(join(out, 'eegs', f), 'utf8')).params).toBe(newParams);
    expect((await readdir(join(out, 'eegs'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
