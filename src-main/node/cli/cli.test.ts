import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchFolder } from '../bench/preprocess-bench';
import { hms } from './run-hms';

const run = promisify(execFile);

let dir: string;
let folder: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-cli-'));
  folder = join(dir, 'data');
  await writeBenchFolder(folder, 3);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hms CLI', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await hms('--help');
    expect(code).toBe(0);
    for (const c of ['inspect', 'window', 'preprocess', 'bench']) expect(stdout).toContain(`  ${c}`);
  });

  it('hands `bench train` to the training bench, with its own options, usage and name in messages', async () => {
    const help = await hms('bench', 'train', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe(
      'hms bench train [--steps N] [--engine onnxruntime|tfjs|both] [--device cpu|auto|cuda|dml|coreml|webgpu] [--workers N] [--no-models] [--no-pytorch] [--json]',
    );
    const usage = await hms('bench', 'train', '--steps', '0');
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n').slice(0, 2)).toEqual([
      'hms bench train: --steps must be a whole number ≥ 1',
      'usage: hms bench train [--steps N] [--engine onnxruntime|tfjs|both] [--device cpu|auto|cuda|dml|coreml|webgpu] [--workers N] [--no-models] [--no-pytorch] [--json]',
    ]);
    const other = await hms('bench', '--steps', '3');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^hms bench: unknown option --steps\nusage: hms bench </);
  });

  it('inspects a recording as one JSON object', async () => {
    const { code, stdout } = await hms('inspect', join(folder, 'train_eegs', '1000.parquet'), '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info).toMatchObject({ format: 'hms-parquet', sampleRateHz: 200, samples: 10_000, durationSec: 50 });
    expect(info.channels).toHaveLength(20);
    expect(info.channelStats[0].missingFraction).toBe(0);
    expect(info.channelStats[0].std).toBeGreaterThan(1);
  });

  it('inspects a dataset folder', async () => {
    const { code, stdout } = await hms('inspect', folder, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ windows: 3, eegs: 3, patients: 3, classCounts: { other: 3, seizure: 0 } });
    const text = await hms('inspect', folder);
    expect(text.stdout).toMatch(/windows\s+3 labelled/);
  });

  it('fails with one clear line and no stack trace', async () => {
    const missing = await hms('inspect', join(dir, 'nope.edf'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([`hms inspect: ${join(dir, 'nope.edf')}: no such file or folder`]);
    const garbage = join(dir, 'garbage.parquet');
    await writeFile(garbage, 'garbage');
    const bad = await hms('inspect', garbage);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${garbage}: not a readable parquet file`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const usage = await hms('window', garbage, '--montage', 'bogus', '--out', join(dir, 'x.npy'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--montage must be one of bipolar, referential, average');
    expect((await hms('frobnicate')).code).toBe(2);
  });

  it('writes a preprocessed window as .npy [channels, samples] and as .csv', async () => {
    const rec = join(folder, 'train_eegs', '1001.parquet');
    const npy = join(dir, 'w.npy');
    const r = await hms('window', rec, '--montage', 'referential', '--band', '1', '30', '--notch', '60', '--zero-phase', '--out', npy);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const shape = await run('python3', ['-c', `import numpy as np; a = np.load("${npy}"); print(a.dtype, a.shape, bool(np.isfinite(a).all()))`]);
    expect(shape.stdout.trim()).toBe('float32 (20, 10000) True');
    const csv = join(dir, 'w.csv');
    expect((await hms('window', rec, '--out', csv)).code).toBe(0);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0].split(',')).toHaveLength(19);
    expect(lines[0].startsWith('Fp1-F7,F7-T3,')).toBe(true);
    expect(lines).toHaveLength(10_001);
    const late = await hms('window', rec, '--offset', '10', '--out', csv);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('a 50 s window from 10 s needs the recording to last 60 s; it lasts 50 s');
  });

  it('preprocesses a folder into a cache', async () => {
    const out = join(dir, 'cache');
    const { code, stdout } = await hms('preprocess', folder, '--out', out, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ recordings: 3, windows: 3, usableWindows: 3, skipped: 0 });
    const again = await hms('preprocess', folder, '--out', out, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: 3 });
  });
});
