/** Entry of a batch worker thread: classifies the recordings it is sent (classify-job.ts). */
import { serveTasks } from '../workers/pool';
import { classifyJob } from './classify-job';

serveTasks(classifyJob);
