/** Entry of a cache worker thread: one file at a time, so one set of buffers serves them all. */
import { serveTasks } from '../workers/pool';
import { FileBuffers, processEeg } from './process-eeg';
import type { CacheTask } from './worker-task';

const buffers = new FileBuffers();
serveTasks((task: CacheTask) => processEeg(task, buffers));
