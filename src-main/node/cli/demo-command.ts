/** `hms demo` (npm run demo): the headless main job on the built-in dataset (see demo/run-demo.ts). */
import { formatDuration } from './progress';
import { DEMO_TRAIN_MINUTES } from '../demo/recipe';
import { runDemo } from '../demo/run-demo';
import { numberOption, stringOption, wholeNumberOption } from './args';
import { restartLine } from './train-report';
import { type Command, UsageError } from './command';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the headless demo on the built-in dataset: generate, train, evaluate, export ONNX, classify, report (demo-out/)',
  usage: `hms demo [--out demo-out] [--seed S] [--minutes M (training budget, default ${DEMO_TRAIN_MINUTES})]`,
  options: { out: { values: 1 }, seed: { values: 1 }, minutes: { values: 1 } },
  async run(args, io) {
    const minutes = numberOption(args, 'minutes', DEMO_TRAIN_MINUTES)!;
    if (!(minutes > 0)) throw new UsageError('--minutes must be positive');
    const started = performance.now();
    const facts = await runDemo({
      out: stringOption(args, 'out') ?? 'demo-out',
      seed: wholeNumberOption(args, 'seed', { min: 0 }, 1),
      trainSeconds: minutes * 60,
      signal: io.signal,
      say: io.out,
      status: io.status,
      onTrainEvent: (e) => {
        if (e.type === 'progress') io.status(`  epoch ${e.epoch} step ${e.step}/${e.steps}  loss ${e.loss.toFixed(3)}  ${e.samplesPerSec.toFixed(0)} samples/s`);
        if (e.type === 'epoch') io.status(`  epoch ${e.record.epoch}: validation KL ${e.record.valKL.toFixed(3)}${e.best ? ' (best)' : ''}`);
        if (e.type === 'restart') io.out(`    ${restartLine(e.restart, e.restartsLeft)}`);
      },
    });
    io.status('');
    if (!facts) {
      io.err('the demo was stopped before it finished');
      return 130;
    }
    io.out(`done in ${formatDuration((performance.now() - started) / 1000)}: open ${facts.out}/report.html`);
    return 0;
  },
};
