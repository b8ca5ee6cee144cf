/** Entry of a cache worker thread. */
import { serveTasks } from '../workers/pool';
import { processEeg } from './process-eeg';

serveTasks(processEeg);
