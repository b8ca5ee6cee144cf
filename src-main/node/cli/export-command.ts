/** `hms export <runDir|checkpoint> --out model.onnx`: the trained weights as one self-describing ONNX file. */
import { exportCheckpoint } from '../infer/export-checkpoint';
import { flag, stringOption } from './args';
import { type Command, UsageError } from './command';

export const exportCommand: Command = {
  name: 'export',
  summary: "write a run's best checkpoint as an ONNX model (opset 17) that says how to feed it",
  usage: 'hms export <runDir|checkpoint> --out model.onnx [--json]',
  options: { out: { values: 1 }, json: { values: 0 } },
  async run(args, io) {
    const [run] = args.positional;
    if (!run || args.positional.length > 1) throw new UsageError('give one run folder or checkpoint');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out <model.onnx> is required');
    const info = await exportCheckpoint(run, out);
    if (flag(args, 'json')) io.json({ file: out, ...info });
    else
      io.out(
        `${out}: ${info.model}, input [batch, ${info.channels.length}, ${info.windowSamples}] µV at ${info.sampleRateHz} Hz, validation KL ${info.validation.valKL?.toFixed(4)}`,
      );
    return 0;
  },
};
