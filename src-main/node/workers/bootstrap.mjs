// Entry of every worker thread: teach the thread TypeScript (tsx), then load the worker module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.moduleUrl);
