/** Built-in dataset generation speed: the default set, written to a temp folder and removed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../generate/dataset';

export async function benchGenerate(): Promise<{ windowsPerSec: number; recordingsPerSec: number; windows: number; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-gen-'));
  try {
    const s = await generateDataset({ out: dir });
    return {
      windowsPerSec: (s.train.windows + s.test.windows) / s.seconds,
      recordingsPerSec: (s.train.recordings + s.test.recordings) / s.seconds,
      windows: s.train.windows + s.test.windows,
      seconds: s.seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
