/**
 * `hms worker --queue redis://HOST:PORT [--concurrency N]`: serves the batch queue — on as many
 * machines as there are, each seeing the model and the recordings at the paths the batch gave —
 * until Ctrl-C or SIGTERM, which let the jobs under way finish first.
 */
import { availableParallelism } from 'node:os';
import { serveQueue } from '../batch/queue-worker';
import { queueUrlProblem } from '../batch/queue';
import { numberOption, stringOption, wholeNumberOption } from './args';
import { type Command, UsageError } from './command';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'classify the recordings of `hms batch --queue` runs: take jobs from the Redis queue, N at a time',
  usage: 'hms worker --queue redis://HOST:PORT [--concurrency N] [--name NAME]',
  // --lock-ms (how soon a killed worker's job goes back to the queue; BullMQ's 30 s otherwise) is for the tests.
  options: { queue: { values: 1 }, concurrency: { values: 1 }, name: { values: 1 }, 'lock-ms': { values: 1 } },
  async run(args, io) {
    if (args.positional.length) throw new UsageError(`unexpected "${args.positional[0]}"`);
    const url = stringOption(args, 'queue');
    if (!url) throw new UsageError('--queue redis://HOST:PORT is required');
    const problem = queueUrlProblem(url);
    if (problem) throw new UsageError(`--queue: ${problem}`);
    const concurrency = wholeNumberOption(args, 'concurrency', { min: 1 }, availableParallelism());
    const lockMs = numberOption(args, 'lock-ms');
    if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 100)) throw new UsageError('--lock-ms must be a whole number of milliseconds ≥ 100');
    const stop = new AbortController();
    const onStop = () => stop.abort();
    io.signal.addEventListener('abort', onStop, { once: true });
    // A service manager stops a worker with SIGTERM: treated as Ctrl-C, so the jobs under way are not lost.
    process.once('SIGTERM', onStop);
    try {
      const me = await serveQueue({ url, concurrency, name: stringOption(args, 'name'), lockMs, signal: stop.signal, log: io.err });
      io.err(`worker ${me.name}: stopped after ${me.done} recordings done and ${me.failed} failed`);
      return 0;
    } finally {
      process.off('SIGTERM', onStop);
    }
  },
};
