/**
 * The batch worker (batch-feeder.ts): reads each batch's blocks into its own store under the run's
 * memory budget, writes the planned rows into the buffers that came with the request and sends
 * them back, answering each request in order. Errors are answered, never thrown, so the trainer
 * can report them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';
import type { FeedReply, FeedRequest, FeedWorkerData } from './batch-feeder';
import { writeRows } from './data';
import { WindowStore } from './window-store';

const port = parentPort;
if (!port) throw new Error('feed-worker must run in a worker thread');
const data = workerData as FeedWorkerData;
const store = WindowStore.fromTable(data.recordings, data.budgetBytes);

port.on('message', (request: FeedRequest) => {
  const { x, y } = request;
  let reply: FeedReply;
  try {
    store.load(request.spans);
    writeRows(store, request.rows, data, new Float32Array(x), new Float32Array(y));
    reply = { ok: true, x, y };
  } catch (err) {
    reply = { ok: false, error: errorMessage(err), x, y };
  }
  port.postMessage(reply, [x, y]);
});
