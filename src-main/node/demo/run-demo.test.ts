import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSubmissionCsv } from '../formats/hms-folder';
import { OnnxClassifier } from '../onnx/classifier';
import { runDemo } from './run-demo';

let dir: string;
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the demo', () => {
  it('generates, trains within its budget, exports, classifies, submits and writes the report', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-demo-'));
    const lines: string[] = [];
    const facts = await runDemo({ out: dir, seed: 3, trainSeconds: 8, say: (l) => lines.push(l), status: () => {} });
    expect(facts).not.toBeNull();
    expect(lines.filter((l) => /^\d\/6 /.test(l))).toHaveLength(6);
    expect(facts!.trained.stopReason).toBe('time-limit');
    const e = facts!.evaluation;
    expect(e.floorKL).toBeLessThan(e.priorKL);
    // The console says the held-out figures against prior and floor, as ratios too, and the calibration's effect.
    expect(lines[0]).toContain('seed 3');
    expect(lines).toContain(
      `    all ${e.rows} rows: KL ${e.valKL.toFixed(3)} (prior ${e.priorKL.toFixed(3)}, floor ${e.floorKL!.toFixed(3)}): ${(e.valKL / e.priorKL).toFixed(2)}× the prior, ${(e.valKL / e.floorKL!).toFixed(2)}× the floor; accuracy ${(100 * e.accuracy).toFixed(0)}%`,
    );
    expect(lines.some((l) => l.startsWith(e.rows10 ? `    ≥10 raters (${e.rows10} rows): KL ${e.valKL10.toFixed(3)}` : '    no held-out row has ≥10 raters'))).toBe(true);
    expect(lines.some((l) => /calibrated on \d+ held-out windows: .*expected calibration error \d\.\d{3} → \d\.\d{3}$/.test(l))).toBe(true);

    const model = await OnnxClassifier.open(join(dir, 'model.onnx'));
    expect(model.info).toMatchObject({ model: 'chainnet', sampleRateHz: 200, windowSamples: 10_000 });
    expect(model.info.validation.valKL).toBeCloseTo(facts!.evaluation.valKL, 5);
    // The held-out evaluation of run.json travels in the model file too.
    expect(model.info.validation.floorKL).toBeCloseTo(facts!.evaluation.floorKL!, 5);
    expect(model.info.validation.accuracy).toBeCloseTo(facts!.evaluation.accuracy, 5);
    await model.close();

    const submission = await readSubmissionCsv(join(dir, 'submission.csv'));
    expect(submission).toHaveLength(facts!.dataset.test.windows);
    for (const row of submission) expect(row.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // The stitched recording: one 50-s stretch per test recording, a window every 10 s.
    expect(facts!.timeline.bands).toHaveLength(facts!.dataset.test.windows);
    expect(facts!.timeline.points.length).toBe(Math.floor((facts!.timeline.bands.at(-1)!.endSec - 50) / 10) + 1);

    const html = await readFile(join(dir, 'report.html'), 'utf8');
    // Learning curves, confusion, timeline, and the reliability diagram of the calibration fitted at export.
    expect(model.info.calibration?.windows).toBe(facts!.trained.valWindows);
    expect(html.match(/<svg/g)?.length).toBe(4);
    expect(html).toContain(`Calibrated by temperature scaling on the ${model.info.calibration!.windows} held-out windows`);
    expect(html).toContain('floor KL');
    expect(html).toContain(`Seed 3; ${facts!.trained.valWindows} windows of the patients of fold 1`);
    expect(html).toContain(`model KL ÷ prior KL (under 1: it learned from the EEG)</td><td class="big">${(e.valKL / e.priorKL).toFixed(2)}×`);
    expect(html).toContain(`model KL ÷ floor KL (1 would be perfect)</td><td>${(e.valKL / e.floorKL!).toFixed(2)}×`);
    // The reliability diagram's numbers, bin by bin: windows, mean top probability, share right.
    const before = model.info.calibration!.reliability.before.filter((b) => b.windows);
    for (const b of before) expect(html).toContain(`<td>${b.from.toFixed(1)}–${b.to.toFixed(1)}</td><td>${b.windows}</td><td>${b.confidence.toFixed(2)}</td>`);
    expect((await stat(join(dir, 'stitched-test.edf'))).size).toBeGreaterThan(1_000_000);
  }, 240_000);
});
