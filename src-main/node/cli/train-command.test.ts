import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../generate/dataset';
import { hms } from './run-hms';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-train-cli-'));
  await generateDataset({ out: join(dir, 'data'), patients: 5, recordings: 1, testRecordings: 1, seed: 5 });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hms train and hms evaluate', () => {
  it('train a folder and report every figure as the last line of stdout; evaluate scores the run on a folder', async () => {
    const runDir = join(dir, 'run');
    const trained = await hms('train', join(dir, 'data'), '--out', runDir, '--epochs', '2', '--folds', '3', '--batch', '8', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout.trim().split('\n').at(-1)!);
    for (const key of ['valKL', 'valKL10', 'priorKL', 'floorKL', 'accuracy', 'confusion', 'epochs', 'backend', 'threads', 'seconds']) expect(summary).toHaveProperty(key);
    expect(summary).toMatchObject({ status: 'finished', epochs: 2, stopReason: 'epochs', backend: 'onnxruntime', model: 'chainnet' });
    expect(summary.floorKL).toBeLessThan(summary.priorKL);
    expect(trained.stderr).toMatch(/training chainnet .* on onnxruntime · CPU · \d threads?: /);
    expect(trained.stderr).toContain('kl epoch   2');

    const evaluated = await hms('evaluate', runDir, join(dir, 'data'), '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const e = JSON.parse(evaluated.stdout.trim());
    expect(e.windows).toBeGreaterThan(summary.valWindows);
    expect(e.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(e.windows);
    expect(e.valKL).toBeGreaterThan(0);
  }, 120_000);

  it('train stops at --minutes, keeping the best epoch so far', async () => {
    const trained = await hms('train', join(dir, 'data'), '--out', join(dir, 'brief'), '--epochs', '50', '--folds', '3', '--batch', '8', '--minutes', '0.001', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    // At least one epoch per session, then the limit.
    expect(JSON.parse(trained.stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'finished', epochs: 1, bestEpoch: 1, stopReason: 'time-limit' });
    const wrong = await hms('train', join(dir, 'data'), '--out', join(dir, 'z'), '--minutes', '-1');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--minutes must be a positive number');
  }, 60_000);

  it('train --fold all cross-validates: a run per fold, every window held out once, the held-out figures pooled', async () => {
    const out = join(dir, 'cv');
    const trained = await hms('train', join(dir, 'data'), '--out', out, '--fold', 'all', '--folds', '3', '--epochs', '1', '--batch', '8', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const summary = JSON.parse(trained.stdout.trim().split('\n').at(-1)!);
    expect(summary.folds).toHaveLength(3);
    const folds: { valKL: number; valWindows: number; trainWindows: number; runDir: string }[] = summary.folds;
    expect(summary.windows).toBe(folds[0].valWindows + folds[0].trainWindows);
    expect(summary.windows).toBe(folds.reduce((n, f) => n + f.valWindows, 0));
    expect(summary.valKL).toBeCloseTo(folds.reduce((s, f) => s + f.valKL * f.valWindows, 0) / summary.windows, 10);
    expect(summary).toHaveProperty('floorKL');
    expect(folds.map((f) => f.runDir)).toEqual([1, 2, 3].map((k) => join(out, `fold-${k}`)));
    for (const f of folds) await expect(readFile(join(f.runDir, 'best.ckpt'))).resolves.toBeTruthy();
    expect(trained.stderr).toContain('cross-validation, 3 folds');
  }, 120_000);

  it('explain a wrong command line and a folder that is not a dataset', async () => {
    const badStage = await hms('train', join(dir, 'data'), '--out', join(dir, 'x'), '--stage', 'kl,fast');
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toContain('"fast" is none of them');
    const badFold = await hms('train', join(dir, 'data'), '--out', join(dir, 'x'), '--folds', '3', '--fold', '3');
    expect(badFold.code).toBe(2);
    expect(badFold.stderr).toContain('--fold takes a fold from 0 to 2, or all; "3" is neither');
    const notData = await hms('train', dir, '--out', join(dir, 'y'));
    expect(notData.code).toBe(1);
    expect(notData.stderr).toContain('train.csv');
    const noRun = await hms('evaluate', join(dir, 'missing'), join(dir, 'data'));
    expect(noRun.stderr).toContain('no such run folder, checkpoint or model file');
  }, 60_000);
});
