/**
 * The classifier strip under the viewer's traces, as numbers: a Classify timeline as the strip's
 * timeline, the windows the model read for the page shown, how many of its outputs say next to
 * nothing (core/verdict.ts), and the model's own validation figures as its metadata gives them.
 */
import type { BatchTimeline } from './batch';
import type { ClassifyResult } from './api';
import type { ModelInfo } from './model-info';
import { verdict } from './verdict';

type StripWindow = BatchTimeline['windows'][number];

/** A Classify timeline in the shape a batch's takes, so one strip draws either. */
export function stripTimeline(result: ClassifyResult, strideSec: number): BatchTimeline {
  const { model } = result;
  return { recording: result.recording, durationSec: result.durationSec, windowSec: model.windowSamples / model.sampleRateHz, strideSec, windows: result.windows };
}

/**
 * The windows whose centre lies on the page [fromSec, toSec); when the stride is longer than the
 * page and none does, the one centred nearest the page's middle — the model's word on the page.
 */
export function windowsOnPage(timeline: BatchTimeline, fromSec: number, toSec: number): StripWindow[] {
  const centre = (w: StripWindow) => w.startSec + timeline.windowSec / 2;
  const on = timeline.windows.filter((w) => centre(w) >= fromSec && centre(w) < toSec);
  if (on.length || !timeline.windows.length) return on;
  const middle = (fromSec + toSec) / 2;
  return [timeline.windows.reduce((best, w) => (Math.abs(centre(w) - middle) < Math.abs(centre(best) - middle) ? w : best))];
}

/** The span the windows cover, s; null for none. */
export function spanOf(windows: readonly StripWindow[], windowSec: number): { from: number; to: number } | null {
  if (!windows.length) return null;
  return { from: Math.min(...windows.map((w) => w.startSec)), to: Math.max(...windows.map((w) => w.startSec)) + windowSec };
}

/** How many windows of the timeline the verdict finds near-uniform: an output that tells the classes apart nowhere is a model to distrust. */
export function nearUniformCount(timeline: BatchTimeline): number {
  return timeline.windows.filter((w) => verdict(w.probabilities).uncertain === 'near-uniform output').length;
}

/** How each validation figure an export writes reads (export-checkpoint.ts); others show under their own key. */
const FIGURES: Record<string, { label: string; format: (v: number) => string }> = {
  valKL: { label: 'validation KL', format: (v) => v.toFixed(3) },
  valKL10: { label: 'KL on ≥ 10 raters', format: (v) => v.toFixed(3) },
  priorKL: { label: "the class prior's KL", format: (v) => v.toFixed(3) },
  floorKL: { label: 'floor KL', format: (v) => v.toFixed(3) },
  accuracy: { label: 'accuracy', format: (v) => `${(100 * v).toFixed(0)}%` },
  epoch: { label: 'epoch', format: (v) => v.toFixed(0) },
  pooledFolds: { label: 'folds pooled', format: (v) => v.toFixed(0) },
};

export interface Figure {
  key: string;
  label: string;
  text: string;
}

/**
 * The model's own held-out figures, as its metadata says them: each validation figure (unknown
 * ones as "—"), the KL as a share of the prior's (below 1: better than ignoring the EEG), and the
 * calibration's temperature and KL after it when the model is calibrated.
 */
export function modelFigures(info: ModelInfo): Figure[] {
  const out: Figure[] = Object.entries(info.validation).map(([key, v]) => {
    const known = FIGURES[key];
    return { key, label: known?.label ?? key, text: v === null ? '—' : (known?.format ?? ((x: number) => String(+x.toPrecision(4))))(v) };
  });
  const { valKL, priorKL } = info.validation;
  if (typeof valKL === 'number' && typeof priorKL === 'number' && priorKL > 0) out.push({ key: 'ofPrior', label: 'KL / prior', text: `${(valKL / priorKL).toFixed(2)}×` });
  if (info.calibration) {
    out.push({ key: 'temperature', label: 'temperature', text: info.calibration.temperature.toFixed(2) });
    out.push({ key: 'klAfter', label: 'KL calibrated', text: info.calibration.klAfter.toFixed(3) });
  }
  return out;
}
