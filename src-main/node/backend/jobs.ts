/**
 * The backend's long work — training runs (with their preprocessing), batches of recordings and
 * the built-in dataset's generation — kept whoever started it, so that any page can list it and
 * attach to it again: after a tab switch, a reload or a lost connection. Finished jobs stay listed for a while with their
 * outcome, so a page that comes back after the end still sees how it ended.
 */
import type { JobInfo, JobKind, JobProgress, JobState } from '../../core/api';
import { InputError } from '../../core/errors';

/** How many finished jobs stay listed. */
const KEEP_FINISHED = 20;

export class Jobs {
  private readonly jobs = new Map<string, JobInfo>();

  /** Registers a job under `id`, replacing a finished one of the same id. */
  start(id: string, kind: JobKind, extra: Partial<Pick<JobInfo, 'training' | 'batch' | 'progress'>> = {}): JobInfo {
    if (this.jobs.get(id)?.state === 'running') throw new InputError(`job ${id} is already running`, 'busy');
    this.jobs.delete(id);
    const job: JobInfo = { id, kind, state: 'running', since: Date.now(), ...extra };
    this.jobs.set(id, job);
    return job;
  }

  running(kind: JobKind): JobInfo[] {
    return [...this.jobs.values()].filter((j) => j.kind === kind && j.state === 'running');
  }

  progress(job: JobInfo, progress: JobProgress | undefined): void {
    job.progress = progress;
  }

  /** Ends `job` (once: later calls keep the first outcome). */
  finish(job: JobInfo, state: Exclude<JobState, 'running'>, error?: string): void {
    if (job.state !== 'running') return;
    job.state = state;
    delete job.progress;
    if (error !== undefined) job.error = error;
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(old.id);
  }

  /** A copy of every job, oldest first: what crosses the transport, never the live records. */
  list(): JobInfo[] {
    return structuredClone([...this.jobs.values()]);
  }
}
