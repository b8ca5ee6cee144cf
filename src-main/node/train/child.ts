/**
 * The training process: waits for `start`, trains, reports every event to its parent, and ends.
 * `cancel` — or the parent going away — stops it after the current step, keeping the best
 * checkpoint. Failures are reported as an `error` event before it exits with code 1.
 */
import type { TrainEvent } from '../../core/training';
import type { TrainCommand } from './protocol';
import { trainRun } from './run';

const send = (event: TrainEvent) => new Promise<void>((resolve) => (process.connected ? process.send!(event, () => resolve()) : resolve()));
const controller = new AbortController();

process.on('disconnect', () => controller.abort());
// Ctrl-C in a terminal reaches the whole process group: stop cleanly, as `cancel` does.
process.on('SIGINT', () => controller.abort());
process.on('message', async (message: TrainCommand) => {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  try {
    const result = await trainRun(message.config, message.runDir, { signal: controller.signal, onEvent: (e) => void send(e) });
    await send({ type: 'done', result });
    process.exit(0);
  } catch (err) {
    await send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
});
