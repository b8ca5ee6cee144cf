import { describe, expect, it } from 'vitest';
import type { ClassifyResult } from './api';
import { modelFigures, nearUniformCount, spanOf, stripTimeline, windowsOnPage } from './classifier-strip';
import { PREPROCESS_PRESETS, type ModelInfo } from './model-info';

const UNIFORM = [1, 1, 1, 1, 1, 1].map((x) => x / 6);
const SURE = [0.9, 0.02, 0.02, 0.02, 0.02, 0.02];
const info = (over: Partial<ModelInfo> = {}): ModelInfo => ({
  ...PREPROCESS_PRESETS.notebook,
  model: 'tiny',
  dataFingerprint: '',
  validation: {},
  appVersion: 'test',
  ...over,
});
/** 300 s classified every 10 s with 50-s windows: 26 windows. */
const result: ClassifyResult = {
  recording: '/r.edf',
  durationSec: 300,
  model: info(),
  windows: Array.from({ length: 26 }, (_, i) => ({ startSec: 10 * i, probabilities: i < 20 ? UNIFORM : SURE })),
};

describe('the classifier strip', () => {
  it('takes a Classify timeline with the window its model reads', () => {
    const t = stripTimeline(result, 10);
    expect(t).toMatchObject({ recording: '/r.edf', durationSec: 300, windowSec: 50, strideSec: 10 });
    expect(t.windows).toHaveLength(26);
  });

  it('finds the windows centred on the page, else the one centred nearest it', () => {
    const t = stripTimeline(result, 10);
    expect(windowsOnPage(t, 30, 40).map((w) => w.startSec)).toEqual([10]);
    expect(windowsOnPage(t, 30, 60).map((w) => w.startSec)).toEqual([10, 20, 30]);
    // The first page, before any window's centre: the first window, which covers it.
    expect(windowsOnPage(t, 0, 10).map((w) => w.startSec)).toEqual([0]);
    expect(spanOf(windowsOnPage(t, 30, 60), 50)).toEqual({ from: 10, to: 80 });
    expect(spanOf([], 50)).toBeNull();
  });

  it('counts the near-uniform windows', () => {
    expect(nearUniformCount(stripTimeline(result, 10))).toBe(20);
  });

  it("shows the model's own figures, the KL against the prior's and its calibration", () => {
    const calibration = { temperature: 1.4, windows: 90, klBefore: 0.8, klAfter: 0.7, eceBefore: 0.1, eceAfter: 0.05, reliability: { before: [], after: [] } };
    const figures = modelFigures(info({ validation: { epoch: 3, valKL: 0.6, valKL10: null, priorKL: 1.2, accuracy: 0.41, custom: 0.123456 }, calibration }));
    expect(figures.map((f) => `${f.label} ${f.text}`)).toEqual([
      'epoch 3',
      'validation KL 0.600',
      'KL on ≥ 10 raters —',
      "the class prior's KL 1.200",
      'accuracy 41%',
      'custom 0.1235',
      'KL / prior 0.50×',
      'temperature 1.40',
      'KL calibrated 0.700',
    ]);
    expect(modelFigures(info())).toEqual([]);
  });
});
