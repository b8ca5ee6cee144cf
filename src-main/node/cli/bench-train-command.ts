/** `hms bench train`: training speed on the reference net (docs/ARCHITECTURE.md §6) — numbers, never pass/fail. */
import { benchTrain } from '../bench/train-bench';
import { flag, wholeNumberOption } from './args';
import type { Command } from './command';

export const benchTrainCommand: Command = {
  name: 'bench train',
  summary: 'training samples/s on the reference net (batch 32 × 18 × 2000), with backend and threads',
  usage: 'hms bench train [--steps N] [--workers N] [--no-models] [--json]',
  options: { json: { values: 0 }, steps: { values: 1 }, workers: { values: 1 }, 'no-models': { values: 0 } },
  async run(args, io) {
    const steps = wholeNumberOption(args, 'steps', { min: 1 }, 20);
    const workers = wholeNumberOption(args, 'workers', { min: 1 });
    const r = await benchTrain({
      steps,
      workers,
      signal: io.signal,
      models: !flag(args, 'no-models'),
      onModel: (name) => io.status(`timing model ${name}…`),
      onStep: (done, total, ms) => io.status(`step ${done}/${total}  ${ms.toFixed(0)} ms`),
    });
    io.status('');
    if (flag(args, 'json')) {
      io.json({
        trainSamplesPerSec: r.trainSamplesPerSec,
        backend: r.backend,
        device: r.device,
        threads: r.threads,
        workers: r.workers,
        medianStepMs: r.medianStepMs,
        models: r.models,
      });
    } else {
      io.out(`train: ${r.trainSamplesPerSec.toFixed(1)} samples/s (median ${r.medianStepMs.toFixed(1)} ms a step of ${r.batch}, ${r.steps} timed step${r.steps === 1 ? '' : 's'})`);
      io.out(`backend ${r.backend} on ${r.device}, ${r.threads} thread${r.threads === 1 ? '' : 's'}${r.workers ? ` (${r.workers} worker${r.workers === 1 ? '' : 's'})` : ''}`);
      for (const [name, rate] of Object.entries(r.models)) io.out(`  model ${name}: ${rate.toFixed(1)} samples/s`);
    }
    return 0;
  },
};
