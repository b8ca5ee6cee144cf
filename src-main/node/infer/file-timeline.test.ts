import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES, type Recording } from '../../core/eeg';
import { Random } from '../../core/random';
import { encodeEdf } from '../formats/edf-write';
import { discontinuous } from '../hostile/edf-bytes';
import { CLINICAL_LABELS, tinyModelBytes } from '../hostile/shared';
import { OnnxClassifier } from '../onnx/classifier';
import { asProbabilities, classifyRecording, classifyWindows, prepareRecording } from './classify';
import { classifyFileTimeline, classifyFileWindow } from './file-timeline';

let dir: string;
let model: OnnxClassifier;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-file-timeline-'));
  await writeFile(join(dir, 'tiny.onnx'), tinyModelBytes());
  model = await OnnxClassifier.open(join(dir, 'tiny.onnx'));
});
afterAll(async () => {
  await model?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A clinical EDF+C of `seconds` at 200 Hz: a random walk plus noise per channel, so every window differs from its neighbours. */
function noisyRecording(seconds: number, seed = 1): Recording {
  const rng = new Random(seed);
  const samples = seconds * 200;
  const data = CLINICAL_LABELS.map(() => {
    const ch = new Float32Array(samples);
    let walk = 0;
    for (let i = 0; i < samples; i++) {
      walk = 0.999 * walk + rng.normal();
      ch[i] = 20 * rng.normal() + 3 * walk;
    }
    return ch;
  });
  return { channels: [...CLINICAL_LABELS], sampleRateHz: 200, data, units: CLINICAL_LABELS.map(() => 'uV'), annotations: [], source: { path: '', format: 'edf+c' } };
}

/** Every stride's window of the whole recording as `prepareRecording` reads it: the reference, for a recording that misses nothing. */
async function wholeTimeline(path: string, strideSec: number) {
  const rec = await prepareRecording(path, model.info);
  const stride = strideSec * rec.sampleRateHz;
  const starts = Array.from({ length: Math.floor((rec.data[0].length - model.info.windowSamples) / stride) + 1 }, (_, k) => k * stride);
  const p = await classifyWindows(model, rec, starts);
  return starts.map((s, i) => ({ startSec: s / rec.sampleRateHz, probabilities: asProbabilities(p[i]) }));
}

/** The largest difference between two timelines' probabilities, which must start at the same times. */
function largestDifference(a: { startSec: number; probabilities: Record<string, number> }[], b: typeof a): number {
  expect(a.map((p) => p.startSec)).toEqual(b.map((p) => p.startSec));
  return Math.max(...a.flatMap((p, i) => CLASSES.map((c) => Math.abs(p.probabilities[c] - b[i].probabilities[c]))));
}

describe('a timeline walked through the file', () => {
  it('equals the whole recording’s timeline, for one stretch exactly and read by the hour to float rounding', async () => {
    const short = join(dir, 'short.edf');
    await writeFile(short, encodeEdf(noisyRecording(600)));
    const whole = await wholeTimeline(short, 10);
    expect(largestDifference((await classifyFileTimeline(model, short, 10)).points, whole)).toBe(0);

    const long = join(dir, 'long.edf');
    await writeFile(long, encodeEdf(noisyRecording(2.2 * 3600, 2)));
    const wholeLong = await wholeTimeline(long, 30);
    const walked = await classifyFileTimeline(model, long, 30);
    // One window deep in it, read with its context only.
    const one = await classifyFileWindow(model, long, 5000);
    const oneWhole = await classifyRecording(model, await prepareRecording(long, model.info), 5000);
    expect(Math.max(...CLASSES.map((c) => Math.abs(one.probabilities[c] - oneWhole[c])))).toBeLessThan(1e-5);
    await expect(classifyFileWindow(model, long, 7900)).rejects.toThrow(`${long}: --offset 7900 s leaves no full 50-s window in a 7920.0-s recording`);
    expect(walked.points).toHaveLength(Math.floor((2.2 * 3600 - 50) / 30) + 1);
    expect(largestDifference(walked.points, wholeLong)).toBeLessThan(1e-5);
    // Neighbouring windows differ by far more: a window read from the wrong place would show.
    const neighbours = wholeLong.slice(1).map((p, i) => Math.abs(p.probabilities.seizure - wholeLong[i].probabilities.seizure));
    expect(Math.max(...neighbours)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('classifies an EDF+D with a 74-hour gap on both sides of it, saying so, with its memory bounded', async () => {
    const path = join(dir, 'gap.edf');
    const gapSec = 74 * 3600;
    await writeFile(
      path,
      discontinuous(encodeEdf(noisyRecording(240, 3)), (r) => (r < 120 ? r : r + gapSec)),
    );
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const rejected: string[] = [];
    const timeline = await classifyFileTimeline(model, path, 10, { onRejected: (_, reason) => rejected.push(reason) });
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
    // Windows from 0 to 70 s before the gap and from its end to 70 s after; none across or on it.
    expect(timeline.points.map((p) => p.startSec)).toEqual([...[0, 10, 20, 30, 40, 50, 60, 70], ...[0, 10, 20, 30, 40, 50, 60, 70].map((s) => s + 120 + gapSec)]);
    expect(timeline.gapSec).toBe(gapSec);
    expect(timeline.inGaps).toBe((120 + gapSec) / 10 - 8);
    expect(new Set(rejected)).toEqual(new Set(['a gap without data records under it']));
    expect(timeline.durationSec).toBe(240 + gapSec);
    expect((await classifyFileWindow(model, path, 120 + gapSec)).durationSec).toBe(240 + gapSec);
    await expect(classifyFileWindow(model, path, 100)).rejects.toThrow(`${path}: the window from 100 s has too much missing data`);
    // Held as samples, the gap alone would take 74 h × 20 channels × 200 Hz × 4 B = 4.3 GB.
    expect(peakGrowth).toBeLessThan(300 * 2 ** 20);
  }, 60_000);
});
