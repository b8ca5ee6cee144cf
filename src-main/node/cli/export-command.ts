/** `hms export <runDir|checkpoint> --out model.onnx`: the trained weights as one self-describing ONNX file; `--ensemble` makes one of several runs. */
import type { ModelCalibration } from '../../core/model-info';
import { exportCheckpoint, exportEnsemble } from '../infer/export-checkpoint';
import { flag, stringOption } from './args';
import { type Command, UsageError } from './command';

export const exportCommand: Command = {
  name: 'export',
  summary: "write a run's best checkpoint — or, with --ensemble, the mean of several runs — as an ONNX model (opset 17) that says how to feed it",
  usage:
    'hms export <runDir|checkpoint> --out model.onnx [--no-calibrate] [--json]\n       hms export --ensemble <cross-validation runDir | runDir runDir …> --out model.onnx [--no-calibrate] [--json]',
  options: { out: { values: 1 }, ensemble: { values: 0 }, 'no-calibrate': { values: 0 }, json: { values: 0 } },
  async run(args, io) {
    const ensemble = flag(args, 'ensemble');
    const runs = args.positional;
    if (!runs.length || (!ensemble && runs.length > 1))
      throw new UsageError(ensemble ? 'give a cross-validation run folder, or two or more run folders' : 'give one run folder or checkpoint');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <model.onnx> is required');
    // Said once the model is written: an export that fails is one line, its error.
    const uncalibrated: string[] = [];
    const options = { calibrate: !flag(args, 'no-calibrate'), onUncalibrated: (reason: string) => uncalibrated.push(reason) };
    const info = ensemble ? await exportEnsemble(runs, out, options) : await exportCheckpoint(runs[0], out, options);
    for (const reason of uncalibrated) io.err(`warning: ${reason}`);
    if (flag(args, 'json')) io.json({ file: out, ...info });
    else {
      const kl = info.validation.valKL;
      const figure = info.members ? `held-out KL of its members pooled ${kl?.toFixed(4) ?? 'unknown'}` : `validation KL ${kl?.toFixed(4)}`;
      io.out(`${out}: ${info.model}, input [batch, ${info.channels.length}, ${info.windowSamples}] µV at ${info.sampleRateHz} Hz, ${figure}`);
      for (const [i, c] of (info.members?.map((m) => m.calibration) ?? [info.calibration]).entries()) if (c) io.out(calibrationLine(c, info.members?.[i].source));
    }
    return 0;
  },
};

function calibrationLine(c: ModelCalibration, member?: string): string {
  const who = member ? `${member}: ` : '';
  return `${who}calibrated on ${c.windows} held-out windows: temperature ${c.temperature.toFixed(3)}, KL ${c.klBefore.toFixed(4)} → ${c.klAfter.toFixed(4)}, calibration error ${c.eceBefore.toFixed(3)} → ${c.eceAfter.toFixed(3)}`;
}
