/**
 * `hms generate`: a complete HMS folder of synthetic EEG whose true class distribution is known
 * for every window, so the best achievable KL (the floor) is known too.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES, VOTE_COLUMNS } from '../../core/eeg';
import { classPrior, entropy, klDivergence, normaliseVotes } from '../../core/metrics';
import { TRAIN_COLUMNS } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { runPool } from '../workers/pool';
import { startWorker } from '../workers/entries';
import type { GeneratedRow, PatientTask } from './patient-task';
import { Random } from '../../core/random';
import { rangesAt, type ResolvedRanges } from './ranges';
import { checkVariety, DEFAULT_VARIETY } from './variety';

export type Difficulty = 'easy' | 'realistic' | 'hard';

export interface GenerateOptions {
  out: string;
  patients?: number;
  /** Train recordings per patient. */
  recordings?: number;
  /** 50-s test recordings, from patients of their own. */
  testRecordings?: number;
  seed?: number;
  difficulty?: Difficulty;
  /** How widely every patient and scene parameter is drawn: 0 narrow, 1 the default, up to 2 as wide as real EEG (variety.ts). */
  variety?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface SplitSummary {
  windows: number;
  recordings: number;
  patients: number;
  /** Mean KL of the true distribution against the normalised votes: no model beats it on average. */
  floorKL: number;
  /** Mean KL of predicting the train class prior for every window. */
  priorKL: number;
  floorKL10: number;
  priorKL10: number;
  entropyBelow10: number;
  entropyFrom10: number;
}

export interface GenerateSummary {
  seed: number;
  difficulty: Difficulty;
  variety: number;
  /** Every parameter's range at that variety, so the set says what it holds. */
  ranges: ResolvedRanges;
  windows: number;
  patients: number;
  floorKL: number;
  priorKL: number;
  train: SplitSummary;
  test: SplitSummary;
  seconds: number;
}

/** Share of recordings whose windows are ambiguous and go to many raters. */
const AMBIGUOUS: Record<Difficulty, number> = { easy: 0.15, realistic: 0.37, hard: 0.6 };

type Row = GeneratedRow;

export async function generateDataset(opts: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const difficulty = opts.difficulty ?? 'realistic';
  const variety = checkVariety(opts.variety ?? DEFAULT_VARIETY);
  const patients = opts.patients ?? 24;
  const perPatient = opts.recordings ?? 3;
  const testCount = opts.testRecordings ?? Math.max(6, Math.round(patients / 2));
  for (const dir of ['train_eegs', 'test_eegs', 'train_spectrograms']) await mkdir(join(opts.out, dir), { recursive: true });

  // Seeds are drawn here, in order, so a dataset is the same whatever thread makes each patient.
  const root = new Random(seed);
  const tasks: PatientTask[] = [];
  for (let p = 0; p < patients + testCount; p++) {
    const test = p >= patients;
    tasks.push({
      out: opts.out,
      split: test ? 'test' : 'train',
      index: p,
      seed: Math.floor(root.next() * 2 ** 32),
      recordings: test ? 1 : perPatient,
      ambiguousShare: AMBIGUOUS[difficulty],
      variety,
    });
  }
  const results: GeneratedRow[][] = [];
  let done = 0;
  let failure = '';
  await runPool<PatientTask, GeneratedRow[]>({
    spawn: () => startWorker('generate-worker'),
    tasks,
    signal: opts.signal,
    onResult: (task, reply) => {
      if (reply.ok) results[task.index] = reply.result;
      else failure ||= reply.error;
      done++;
      opts.onProgress?.(done, tasks.length);
    },
  });
  if (failure) throw new Error(`generating ${opts.out} failed: ${failure}`);
  if (done < tasks.length) throw new Error(`generation cancelled after ${done} of ${tasks.length} patients; ${opts.out} is incomplete`);
  const train = results.slice(0, patients).flat();
  const test = results.slice(patients).flat();

  const prior = classPrior(train.map((r) => normaliseVotes(r.votes)));
  await writeCsvFiles(opts.out, train, test, prior);
  const summary: GenerateSummary = {
    seed,
    difficulty,
    variety,
    ranges: rangesAt(variety),
    windows: train.length,
    patients,
    floorKL: 0,
    priorKL: 0,
    train: splitSummary(train, prior),
    test: splitSummary(test, prior),
    seconds: (performance.now() - started) / 1000,
  };
  summary.floorKL = summary.train.floorKL;
  summary.priorKL = summary.train.priorKL;
  await writeFileAtomic(join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

function splitSummary(rows: Row[], prior: number[]): SplitSummary {
  const targets = rows.map((r) => normaliseVotes(r.votes));
  const many = rows.map((r, i) => ({ r, t: targets[i] })).filter(({ r }) => r.votes.reduce((a, b) => a + b, 0) >= 10);
  const few = rows.map((r, i) => ({ r, t: targets[i] })).filter(({ r }) => r.votes.reduce((a, b) => a + b, 0) < 10);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    windows: rows.length,
    recordings: new Set(rows.map((r) => r.eegId)).size,
    patients: new Set(rows.map((r) => r.patientId)).size,
    floorKL: klDivergence(
      targets,
      rows.map((r) => r.truth),
    ),
    priorKL: klDivergence(
      targets,
      rows.map(() => prior),
    ),
    floorKL10: many.length
      ? klDivergence(
          many.map((m) => m.t),
          many.map((m) => m.r.truth),
        )
      : NaN,
    priorKL10: many.length
      ? klDivergence(
          many.map((m) => m.t),
          many.map(() => prior),
        )
      : NaN,
    entropyBelow10: mean(few.map((f) => entropy(f.t))),
    entropyFrom10: mean(many.map((m) => entropy(m.t))),
  };
}

const CONSENSUS = ['Seizure', 'LPD', 'GPD', 'LRDA', 'GRDA', 'Other'];

async function writeCsvFiles(out: string, train: Row[], test: Row[], prior: number[]): Promise<void> {
  const trainLines = [TRAIN_COLUMNS.join(',')];
  const subIds = new Map<string, number>();
  for (const r of train) {
    const sub = subIds.get(r.eegId) ?? 0;
    subIds.set(r.eegId, sub + 1);
    const consensus = CONSENSUS[r.votes.indexOf(Math.max(...r.votes))];
    trainLines.push([r.eegId, sub, r.offsetSec.toFixed(1), r.spectrogramId, sub, r.offsetSec.toFixed(1), r.labelId, r.patientId, consensus, ...r.votes].join(','));
  }
  await writeFileAtomic(join(out, 'train.csv'), trainLines.join('\n') + '\n');
  await writeFileAtomic(join(out, 'test.csv'), ['spectrogram_id,eeg_id,patient_id', ...test.map((r) => `${r.spectrogramId},${r.eegId},${r.patientId}`)].join('\n') + '\n');
  await writeFileAtomic(
    join(out, 'sample_submission.csv'),
    [['eeg_id', ...VOTE_COLUMNS].join(','), ...test.map((r) => [r.eegId, ...prior.map((p) => p.toFixed(6))].join(','))].join('\n') + '\n',
  );
  const truthHeader = ['label_id', 'eeg_id', 'eeg_label_offset_seconds', ...CLASSES].join(',');
  const truthLine = (r: Row) => [r.labelId, r.eegId, r.offsetSec.toFixed(1), ...r.truth.map((p) => p.toFixed(6))].join(',');
  await writeFileAtomic(join(out, 'truth.csv'), [truthHeader, ...train.map(truthLine)].join('\n') + '\n');
  // The test split's hidden answers: the votes experts gave and the truth, for scoring submissions.
  await writeFileAtomic(join(out, 'test_truth.csv'), [[truthHeader, ...VOTE_COLUMNS].join(','), ...test.map((r) => [truthLine(r), ...r.votes].join(','))].join('\n') + '\n');
}
