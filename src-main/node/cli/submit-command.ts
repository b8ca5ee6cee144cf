/** `hms submit <folder> --model m.onnx --out submission.csv`: Kaggle's submission for a folder's test.csv. */
import { PREPROCESS_PRESETS } from '../../core/model-info';
import { predictTestFolder, writeSubmission } from '../infer/submission';
import { checkFeedable } from '../infer/classify';
import { OnnxClassifier } from '../onnx/classifier';
import { flag, stringOption } from './args';
import { type Command, UsageError } from './command';
import { MAX_MISSING_USAGE, maxMissingFromArgs } from './preprocess-options';
import { progressMeter } from './progress';

export const submitCommand: Command = {
  name: 'submit',
  summary: "write a Kaggle submission (eeg_id + six *_vote columns) for a folder's test.csv",
  usage: `hms submit <folder with test.csv> --model m.onnx --out submission.csv [--preset ${Object.keys(PREPROCESS_PRESETS).join('|')}] ${MAX_MISSING_USAGE} [--json]`,
  options: { model: { values: 1 }, out: { values: 1 }, preset: { values: 1 }, 'max-missing': { values: 1 }, json: { values: 0 } },
  async run(args, io) {
    const [folder] = args.positional;
    if (!folder || args.positional.length > 1) throw new UsageError('give one dataset folder');
    const modelPath = stringOption(args, 'model');
    const out = stringOption(args, 'out');
    if (!modelPath || !out) throw new UsageError('--model <file.onnx> and --out <submission.csv> are required');
    const maxMissing = maxMissingFromArgs(args);
    const model = await OnnxClassifier.open(modelPath, { preset: stringOption(args, 'preset') });
    try {
      checkFeedable(model);
      const meter = progressMeter('classify', 'recordings');
      const rows = await predictTestFolder(model, folder, (d, t) => io.status(meter(d, t)), maxMissing);
      io.status('');
      await writeSubmission(out, rows);
      if (flag(args, 'json')) io.json({ submission: out, rows: rows.length });
      else io.out(`${out}: ${rows.length} recordings`);
      return 0;
    } finally {
      await model.close();
    }
  },
};
