/**
 * One data-parallel training thread (see parallel.ts): its own wasm backend and copy of the model;
 * per request it loads the shared weights, then computes loss and gradients for its rows of the
 * shared batch into its own gradient buffer, or predictions into its rows of the shared output.
 * Errors are answered, never thrown, so the trainer can report them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';
import { useWasm } from './backend';
import { buildModel, readWeights, writeWeights } from './build-model';
import { lossAndGradients, predict } from './gradients';
import type { GradReply, GradRequest, GradWorkerData } from './parallel';

const port = parentPort;
if (!port) throw new Error('grad-worker must run in a worker thread');
const data = workerData as GradWorkerData;
const fail = (err: unknown): GradReply => ({ ok: false, error: errorMessage(err) });

try {
  await useWasm();
  const model = buildModel(data.spec, data.seed, data.rank);
  const weights = new Float32Array(data.weights);
  const grads = new Float32Array(data.grads);
  const x = new Float32Array(data.x);
  const y = new Float32Array(data.y);
  const out = new Float32Array(data.out);
  const perRowX = data.spec.input.samples * data.spec.input.channels;
  const classes = model.description.outputShape[0];
  if (data.rank === 0) readWeights(model, weights);
  port.on('message', (request: GradRequest) => {
    try {
      const { begin, rows } = request;
      writeWeights(model, weights);
      const xs = x.subarray(begin * perRowX, (begin + rows) * perRowX);
      if (request.kind === 'predict') {
        out.set(predict(model, xs, rows), begin * classes);
        port.postMessage({ ok: true, loss: 0 } satisfies GradReply);
        return;
      }
      const ys = y.subarray(begin * classes, (begin + rows) * classes);
      port.postMessage({ ok: true, loss: lossAndGradients(model, xs, ys, rows, request.batchRows, grads, request.loss) } satisfies GradReply);
    } catch (err) {
      port.postMessage(fail(err));
    }
  });
  // Ready: the trainer's start waits for this first answer from every worker.
  port.postMessage({ ok: true, loss: 0 } satisfies GradReply);
} catch (err) {
  port.postMessage(fail(err));
}
