/** A worker for the pool's tests: doubles a number, fails on a negative one, dies on 999. */
import { threadId } from 'node:worker_threads';
import { serveTasks } from '../pool';

serveTasks(async (n: number) => {
  if (n === 999) process.exit(7);
  if (n < 0) throw new Error(`negative input ${n}`);
  return { doubled: n * 2, threadId };
});
