/** Entry of a generator worker thread. */
import { serveTasks } from '../workers/pool';
import { generatePatient } from './patient-task';

serveTasks(generatePatient);
