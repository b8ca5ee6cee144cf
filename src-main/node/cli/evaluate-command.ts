/** `hms evaluate <runDir|checkpoint> <folder>`: trained weights scored on a labelled dataset folder. */
import { evaluateCheckpointOnFolder } from '../train/evaluate-folder';
import { flag, stringOption } from './args';
import { type Command, UsageError } from './command';
import { progressMeter } from './progress';
import { formatMetrics } from './train-report';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'score a trained model on a labelled dataset folder: KL (all, ≥10 raters), prior, floor, accuracy, confusion',
  usage: 'hms evaluate <runDir|checkpoint> <folder> [--cache DIR] [--json]',
  options: { cache: { values: 1 }, json: { values: 0 } },
  async run(args, io) {
    const [model, folder] = args.positional;
    if (!model || !folder || args.positional.length > 2) throw new UsageError('give a run folder (or checkpoint) and a dataset folder');
    const meter = progressMeter('evaluate', 'windows');
    const result = await evaluateCheckpointOnFolder(model, folder, { cacheDir: stringOption(args, 'cache'), signal: io.signal, onProgress: (d, t) => io.status(meter(d, t)) });
    io.status('');
    const e = result.evaluation;
    if (flag(args, 'json')) {
      io.json({
        model: result.model,
        checkpoint: result.checkpoint,
        windows: result.windows,
        valKL: e.valKL,
        valKL10: e.valKL10,
        priorKL: e.priorKL,
        ...(e.floorKL !== undefined ? { floorKL: e.floorKL, floorKL10: e.floorKL10 } : {}),
        accuracy: e.accuracy,
        confusion: e.confusion,
        perClass: e.perClass,
        epochs: result.epoch,
        backend: result.backend.name,
        threads: result.backend.threads,
      });
    } else {
      io.out(`${result.model} from ${result.checkpoint} (epoch ${result.epoch}) on ${folder}: ${result.windows} windows`);
      for (const line of formatMetrics(e)) io.out(line);
    }
    return 0;
  },
};
