/** `hms evaluate <runDir|checkpoint|model.onnx> <folder>`: trained weights or an ONNX model scored on a labelled dataset folder. */
import { PREPROCESS_PRESETS } from '../../core/model-info';
import { evaluateOnnxOnFolder } from '../infer/evaluate-onnx';
import { evaluateCheckpointOnFolder, modelFile } from '../train/evaluate-folder';
import { flag, stringOption } from './args';
import { type Command, UsageError } from './command';
import { progressMeter } from './progress';
import { formatMetrics } from './train-report';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'score a trained model or an ONNX model on a labelled dataset folder: KL (all, ≥10 raters), prior, floor, accuracy, confusion',
  usage: `hms evaluate <runDir|checkpoint|model.onnx> <folder> [--preset ${Object.keys(PREPROCESS_PRESETS).join('|')}] [--cache DIR] [--json]`,
  options: { preset: { values: 1 }, cache: { values: 1 }, json: { values: 0 } },
  async run(args, io) {
    const [model, folder] = args.positional;
    if (!model || !folder || args.positional.length > 2) throw new UsageError('give a run folder (or checkpoint, or ONNX model) and a dataset folder');
    const preset = stringOption(args, 'preset');
    const { format } = await modelFile(model);
    if (format === 'checkpoint' && preset !== undefined)
      throw new UsageError('--preset is for an ONNX model made elsewhere; a run folder or checkpoint carries its own preprocessing');
    const meter = progressMeter('evaluate', 'windows');
    const options = { cacheDir: stringOption(args, 'cache'), signal: io.signal, onProgress: (d: number, t: number) => io.status(meter(d, t)) };
    const result = format === 'checkpoint' ? await evaluateCheckpointOnFolder(model, folder, options) : await evaluateOnnxOnFolder(model, folder, { ...options, preset });
    io.status('');
    const e = result.evaluation;
    if (flag(args, 'json')) {
      io.json({
        model: result.model,
        [result.format]: result.file,
        windows: result.windows,
        valKL: e.valKL,
        valKL10: e.valKL10,
        priorKL: e.priorKL,
        ...(e.floorKL !== undefined ? { floorKL: e.floorKL, floorKL10: e.floorKL10 } : {}),
        accuracy: e.accuracy,
        confusion: e.confusion,
        perClass: e.perClass,
        ...(result.epoch !== undefined ? { epochs: result.epoch } : {}),
        backend: result.backend.name,
        ...(result.backend.threads !== undefined ? { threads: result.backend.threads } : {}),
      });
    } else {
      const epoch = result.epoch !== undefined ? ` (epoch ${result.epoch})` : '';
      io.out(`${result.model} from ${result.file}${epoch} on ${folder}: ${result.windows} windows`);
      for (const line of formatMetrics(e)) io.out(line);
    }
    return 0;
  },
};
