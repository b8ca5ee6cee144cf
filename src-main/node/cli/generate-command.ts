/** `hms generate --out <folder>`: the built-in dataset, with its floor and prior KL. */
import { generateDataset, type Difficulty } from '../generate/dataset';
import { renderPreview } from '../generate/preview';
import { DEFAULT_VARIETY, MAX_VARIETY } from '../generate/variety';
import { flag, numberOption, stringOption, wholeNumberOption } from './args';
import { type Command, UsageError } from './command';
import { progressMeter } from './progress';

const DIFFICULTIES: Difficulty[] = ['easy', 'realistic', 'hard'];

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write a synthetic HMS dataset whose true class distributions (and so the best possible KL) are known',
  usage: 'hms generate --out <folder> [--patients N] [--recordings N] [--test N] [--seed S] [--difficulty easy|realistic|hard] [--variety 0..2] [--preview PNG] [--json]',
  options: {
    out: { values: 1 },
    patients: { values: 1 },
    recordings: { values: 1 },
    test: { values: 1 },
    seed: { values: 1 },
    difficulty: { values: 1 },
    variety: { values: 1 },
    preview: { values: 1 },
    json: { values: 0 },
  },
  async run(args, io) {
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <folder> is required');
    const difficulty = (stringOption(args, 'difficulty') ?? 'realistic') as Difficulty;
    if (!DIFFICULTIES.includes(difficulty)) throw new UsageError(`--difficulty must be one of ${DIFFICULTIES.join(', ')}`);
    // 0 draws every parameter at its centre, 1 from the default ranges, 2 from ranges as wide as real EEG shows.
    const variety = numberOption(args, 'variety', DEFAULT_VARIETY)!;
    if (!(variety >= 0 && variety <= MAX_VARIETY)) throw new UsageError(`--variety must be a number from 0 to ${MAX_VARIETY}`);
    const count = (name: string) => wholeNumberOption(args, name, { min: 1 });
    const meter = progressMeter('generate', 'patients');
    const summary = await generateDataset({
      out,
      patients: count('patients'),
      recordings: count('recordings'),
      testRecordings: count('test'),
      seed: wholeNumberOption(args, 'seed', { min: 0 }, 1),
      difficulty,
      variety,
      signal: io.signal,
      onProgress: (done, total) => io.status(meter(done, total)),
    });
    io.status('');
    const previewPath = stringOption(args, 'preview');
    const preview = previewPath ? await renderPreview(out, previewPath) : undefined;
    if (flag(args, 'json')) {
      io.json({ ...summary, preview });
      return 0;
    }
    const f = (v: number) => v.toFixed(3);
    io.out(
      `${out}: ${summary.windows} train windows from ${summary.train.recordings} recordings of ${summary.patients} patients; ${summary.test.windows} test recordings; variety ${summary.variety} (${summary.seconds.toFixed(1)} s)`,
    );
    io.out(`  floor KL ${f(summary.train.floorKL)} (≥10 raters ${f(summary.train.floorKL10)})  — no model can do better on average`);
    io.out(`  prior KL ${f(summary.train.priorKL)} (≥10 raters ${f(summary.train.priorKL10)})  — what ignoring the EEG scores`);
    io.out(`  test: floor ${f(summary.test.floorKL)}, prior ${f(summary.test.priorKL)}`);
    if (preview) io.out(`  preview ${previewPath}: ${preview.map((p) => `${p.className} (EEG ${p.eegId} at ${p.offsetSec} s)`).join(', ')}`);
    return 0;
  },
};
