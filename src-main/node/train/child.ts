/**
 * The training process: waits for `start`, trains, reports every event to its parent, and ends.
 * `cancel` — or the parent going away — stops it after the current step, keeping the best
 * checkpoint. Failures are reported as an `error` event before it exits with code 1. It speaks
 * through Electron's `process.parentPort` in a utility process, through `process.send` when forked.
 */
import { errorMessage } from '../../core/errors';
import type { TrainEvent } from '../../core/training';
import type { TrainCommand } from './protocol';
import { trainRun } from './run';

interface ParentPort {
  on(event: 'message', listener: (e: { data: TrainCommand }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

const send = (event: TrainEvent) =>
  new Promise<void>((resolve) => {
    if (parentPort) {
      parentPort.postMessage(event);
      resolve();
    } else if (process.connected) process.send!(event, () => resolve());
    else resolve();
  });
const controller = new AbortController();

async function handle(message: TrainCommand): Promise<void> {
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  try {
    const result = await trainRun(message.config, message.runDir, { signal: controller.signal, onEvent: (e) => void send(e) });
    await send({ type: 'done', result });
    process.exit(0);
  } catch (err) {
    await send({ type: 'error', message: errorMessage(err) });
    process.exit(1);
  }
}

if (parentPort) parentPort.on('message', (e) => void handle(e.data));
else {
  process.on('message', (m: TrainCommand) => void handle(m));
  process.on('disconnect', () => controller.abort());
}
// Ctrl-C in a terminal reaches the whole process group: stop cleanly, as `cancel` does.
process.on('SIGINT', () => controller.abort());
