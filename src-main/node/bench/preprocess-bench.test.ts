import { describe, expect, it } from 'vitest';
import { benchPreprocessAtScale } from './preprocess-bench';

describe('preprocessing at the competition’s scale', () => {
  it('builds the cache of every file, the hard-linked ones included, and says its rate and size', async () => {
    const lines: string[] = [];
    const r = await benchPreprocessAtScale({ files: 24, distinct: 5, threads: 2, onStatus: (l) => lines.push(l) });
    expect(r.preprocessFiles).toBe(24);
    expect(r.preprocessFilesPerSec).toBeGreaterThan(0);
    // 19 rows × 10,000 samples × 4 bytes a file.
    expect(r.preprocessCacheGb).toBeCloseTo((24 * 19 * 10_000 * 4) / 1e9, 6);
    expect(lines).toEqual(['writing 24 parquet files…', 'preprocessing 24 files on 2 threads…']);
  }, 60_000);
});
