/**
 * A fixed set of batch worker threads, each with its own model session, taking jobs as they come:
 * from the list of a local batch, or from the queue for `hms worker`. A thread that dies (out of
 * memory on a huge file) costs only its job, which is reported as one to try again, and is replaced.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/entries';
import type { BatchJob, JobOutcome } from './job';

type Reply = { ok: true; result: JobOutcome } | { ok: false; error: string };

export class ClassifierThreads {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private readonly all = new Set<Worker>();

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  async run(job: BatchJob): Promise<JobOutcome> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    const { reply, died } = await ask(worker, job);
    if (died) this.all.delete(worker);
    this.release(died ? this.spawn() : worker);
    if (reply.ok) return reply.result;
    return { ok: false, error: `${job.path}: its worker thread stopped (${reply.error})`, permanent: false };
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
  }

  private spawn(): Worker {
    const worker = startWorker('batch-worker');
    this.all.add(worker);
    return worker;
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }
}

function ask(worker: Worker, job: BatchJob): Promise<{ reply: Reply; died: boolean }> {
  return new Promise((resolve) => {
    let crash: Error | null = null;
    const onError = (err: Error) => (crash = err);
    const onMessage = (reply: Reply) => done(reply, false);
    const onExit = (code: number) => done({ ok: false, error: crash?.message ?? `exit code ${code}` }, true);
    const done = (reply: Reply, died: boolean) => {
      worker.off('message', onMessage).off('exit', onExit).off('error', onError);
      resolve({ reply, died });
    };
    worker.on('message', onMessage).on('exit', onExit).on('error', onError);
    worker.postMessage(job);
  });
}
