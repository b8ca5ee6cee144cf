// Preloaded (node --import) into `hms` by the hostile-input test. Appends the process's peak
// resident memory, in bytes, to $HMS_PEAK_RSS_FILE when it exits, and kills it (SIGKILL) as soon
// as it is seen over $HMS_RSS_LIMIT bytes. A synchronous allocation is only seen when it returns;
// the peak written at exit still counts it.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.HMS_PEAK_RSS_FILE;
const limit = Number(process.env.HMS_RSS_LIMIT) || Infinity;
if (file && isMainThread) {
  const record = () => {
    try {
      appendFileSync(file, `${process.resourceUsage().maxRSS * 1024}\n`);
    } catch {
      // The test reads what is there.
    }
  };
  process.on('exit', record);
  setInterval(() => {
    if (process.memoryUsage.rss() > limit) {
      record();
      process.stderr.write(`peak-memory: over the ${limit}-byte limit\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  }, 50).unref();
}
