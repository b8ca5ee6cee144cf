/**
 * The HMS metadata as typed rows (train.csv / test.csv), the labelled windows they define, and the
 * summary figures a researcher looks at first (class counts, vote histogram, patients).
 */
import { CLASSES, type ClassName, HMS_SAMPLE_RATE_HZ, WINDOW_SAMPLES } from './eeg';

/** One row of train.csv: a labelled 50-s window of one EEG. */
export interface TrainRow {
  eegId: string;
  eegSubId: number;
  eegLabelOffsetSec: number;
  spectrogramId: string;
  spectrogramSubId: number;
  spectrogramLabelOffsetSec: number;
  labelId: string;
  patientId: string;
  expertConsensus: string;
  /** Raw expert votes in CLASSES order. */
  votes: number[];
}

/** One row of test.csv: a 50-s recording to classify. */
export interface TestRow {
  spectrogramId: string;
  eegId: string;
  patientId: string;
}

/** A labelled sample ready for training: where it lies and what the experts said. */
export interface LabelledWindow {
  labelId: string;
  eegId: string;
  eegSubId: number;
  patientId: string;
  offsetSec: number;
  startSample: number;
  votes: number[];
  totalVotes: number;
  /** Votes normalised to sum 1: the target distribution. */
  target: number[];
  consensus: ClassName;
}

/** Every labelled window of the dataset: all eeg_sub_ids, none dropped (the notebook kept sub 0 only). */
export function labelledWindows(rows: readonly TrainRow[], sampleRateHz = HMS_SAMPLE_RATE_HZ): LabelledWindow[] {
  return rows.map((r) => {
    const totalVotes = r.votes.reduce((a, b) => a + b, 0);
    return {
      labelId: r.labelId,
      eegId: r.eegId,
      eegSubId: r.eegSubId,
      patientId: r.patientId,
      offsetSec: r.eegLabelOffsetSec,
      startSample: Math.round(r.eegLabelOffsetSec * sampleRateHz),
      votes: r.votes,
      totalVotes,
      target: r.votes.map((v) => v / totalVotes),
      consensus: CLASSES[argmax(r.votes)],
    };
  });
}

/** The windows of each recording, recordings in the order they first appear, windows in theirs. */
export function windowsByEeg(windows: readonly LabelledWindow[]): Map<string, LabelledWindow[]> {
  const byEeg = new Map<string, LabelledWindow[]>();
  for (const w of windows) {
    const list = byEeg.get(w.eegId);
    if (list) list.push(w);
    else byEeg.set(w.eegId, [w]);
  }
  return byEeg;
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export interface DatasetSummary {
  windows: number;
  eegs: number;
  patients: number;
  classCounts: Record<ClassName, number>;
  /** raterHistogram[n] = number of windows with n votes in total. */
  raterHistogram: number[];
  windowsWithTenOrMoreRaters: number;
  /** Samples a window needs beyond its offset, for checking recordings are long enough. */
  windowSamples: number;
}

export function summariseTrainRows(rows: readonly TrainRow[]): DatasetSummary {
  const windows = labelledWindows(rows);
  const classCounts = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<ClassName, number>;
  const raterHistogram: number[] = [];
  for (const w of windows) {
    classCounts[w.consensus]++;
    while (raterHistogram.length <= w.totalVotes) raterHistogram.push(0);
    raterHistogram[w.totalVotes]++;
  }
  return {
    windows: windows.length,
    eegs: new Set(rows.map((r) => r.eegId)).size,
    patients: new Set(rows.map((r) => r.patientId)).size,
    classCounts,
    raterHistogram,
    windowsWithTenOrMoreRaters: windows.filter((w) => w.totalVotes >= 10).length,
    windowSamples: WINDOW_SAMPLES,
  };
}
