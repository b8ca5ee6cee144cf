/**
 * `hms classify <recording> --model m.onnx`: six probabilities for one 50-s window, or with
 * `--timeline` the probabilities along the whole recording. A model made elsewhere needs
 * `--preset` to say how it was fed.
 */
import { extname } from 'node:path';
import { CLASSES } from '../../core/eeg';
import { PREPROCESS_PRESETS } from '../../core/model-info';
import { absentNote, tooManyAbsent } from '../../core/quality';
import { verdict } from '../../core/verdict';
import { writeFileAtomic } from '../fs-atomic';
import { checkFeedable, type Probabilities, timelineCsv } from '../infer/classify';
import { classifyFileTimeline, classifyFileWindow } from '../infer/file-timeline';
import { OnnxClassifier } from '../onnx/classifier';
import { flag, numberOption, stringOption } from './args';
import { type Command, UsageError } from './command';
import { MAX_MISSING_USAGE, maxMissingFromArgs } from './preprocess-options';

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'classify a recording (HMS parquet or EDF) with an ONNX model: one window, or a timeline along it',
  usage: `hms classify <recording> --model m.onnx [--offset S] [--timeline [--stride S] [--out t.csv|t.json]] [--preset ${Object.keys(PREPROCESS_PRESETS).join('|')}] ${MAX_MISSING_USAGE} [--json]`,
  options: {
    model: { values: 1 },
    offset: { values: 1 },
    timeline: { values: 0 },
    stride: { values: 1 },
    out: { values: 1 },
    preset: { values: 1 },
    'max-missing': { values: 1 },
    json: { values: 0 },
  },
  async run(args, io) {
    const [recording] = args.positional;
    if (!recording || args.positional.length > 1) throw new UsageError('give one recording');
    const modelPath = stringOption(args, 'model');
    if (!modelPath) throw new UsageError('--model <file.onnx> is required');
    const out = stringOption(args, 'out');
    if (out && !['.csv', '.json'].includes(extname(out).toLowerCase())) throw new UsageError('--out must end in .csv or .json');
    const timeline = flag(args, 'timeline');
    if (!timeline && (out || args.options.has('stride'))) throw new UsageError('--stride and --out go with --timeline');
    const strideSec = numberOption(args, 'stride', 10)!;
    if (!(strideSec > 0)) throw new UsageError(`--stride must be a positive number of seconds, got ${strideSec}`);
    const maxMissing = maxMissingFromArgs(args);
    const model = await OnnxClassifier.open(modelPath, { preset: stringOption(args, 'preset') });
    try {
      checkFeedable(model);
      if (!timeline) {
        const { probabilities, absent } = await classifyFileWindow(model, recording, numberOption(args, 'offset', 0), maxMissing);
        // Too many flat rows refuse every window, and that refusal names them: no warning before it.
        if (absent.rows.length) io.err(`warning: ${recording}: no signal in ${absentNote(absent)}; fed to the model flat`);
        if (flag(args, 'json')) io.json({ probabilities });
        else io.out(formatProbabilities(probabilities));
        return 0;
      }
      const result = await classifyFileTimeline(model, recording, strideSec, { maxMissing });
      const { points, absent } = result;
      // Too many flat rows refuse every window, and that refusal names them: no warning before it.
      if (absent && !tooManyAbsent(absent, maxMissing)) io.err(`warning: ${recording}: no signal in ${absentNote(absent)}; fed to the model flat`);
      if (result.inGaps) io.err(`warning: ${recording}: ${result.inGaps} windows fall on gaps without data records (${hours(result.gapSec)} in all): not classified`);
      if (result.rejected)
        io.err(
          `warning: ${recording}: ${result.rejected} of ${result.rejected + points.length} windows left out, too much missing data (the first from ${result.firstRejectedSec} s)`,
        );
      if (out) await writeFileAtomic(out, extname(out).toLowerCase() === '.json' ? JSON.stringify({ timeline: points }) : timelineCsv(points));
      if (flag(args, 'json')) io.json({ timeline: points });
      else {
        io.out(`${points.length} windows along ${result.durationSec.toFixed(0)} s${out ? ` → ${out}` : ''}`);
        for (const p of points) io.out(`${p.startSec.toFixed(0).padStart(6)} s  ${top(p.probabilities)}`);
      }
      return 0;
    } finally {
      await model.close();
    }
  },
};

function formatProbabilities(p: Probabilities): string {
  const bars = CLASSES.map((c) => `${c.padEnd(8)} ${p[c].toFixed(3)}  ${'█'.repeat(Math.round(p[c] * 40))}`);
  const called = verdict(CLASSES.map((c) => p[c]));
  const line = called.uncertain
    ? `uncertain: ${called.uncertain} (the most probable, ${called.best}, has ${(100 * called.p).toFixed(0)}%)`
    : `most likely ${called.best} (${(100 * called.p).toFixed(0)}%)`;
  return [...bars, line].join('\n');
}

const hours = (sec: number) => (sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : `${sec.toFixed(0)} s`);

function top(p: Probabilities): string {
  const called = verdict(CLASSES.map((c) => p[c]));
  const head = called.uncertain ? `uncertain (${called.uncertain}; ${called.best} ${called.p.toFixed(2)})` : `${called.best.padEnd(8)} ${called.p.toFixed(2)}`;
  return `${head}   ${CLASSES.map((c) => `${c} ${p[c].toFixed(2)}`).join('  ')}`;
}
