import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileInspection } from '../core/api';
import { readEdf } from './formats/edf';
import { encodeEdf } from './formats/edf-write';
import { discontinuous } from './hostile/edf-bytes';
import { edfRecording, encodeEdfSeconds } from './hostile/shared';
import { inspectFile } from './inspect';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-inspect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hms inspect on EDF, read a stretch at a time', () => {
  it('gives the statistics of the whole-file read', async () => {
    const path = join(dir, 'c.edf');
    await writeFile(
      path,
      discontinuous(encodeEdf(edfRecording(90, 256)), (r) => (r < 40 ? r : r + 7)),
    );
    const whole = await readEdf(path);
    const seen = (await inspectFile(path)) as FileInspection;
    expect([seen.format, seen.samples, seen.channels]).toEqual(['edf+d', whole.data[0].length, whole.channels]);
    seen.channelStats.forEach((s, c) => {
      const values = Array.from(whole.data[c]).filter(Number.isFinite);
      expect(s.missingFraction).toBeCloseTo(1 - values.length / whole.data[c].length, 12);
      expect([s.min, s.max]).toEqual([Math.min(...values), Math.max(...values)]);
      expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    });
  });

  it('describes an EDF+D with a 74-hour gap without holding the gap, counting it as missing', async () => {
    const path = join(dir, 'gap.edf');
    await writeFile(
      path,
      discontinuous(encodeEdfSeconds(60), (r) => (r < 30 ? r : r + 74 * 3600)),
    );
    const seen = (await inspectFile(path)) as FileInspection;
    expect(seen.durationSec).toBe(60 + 74 * 3600);
    expect(seen.channelStats[0].missingFraction).toBeCloseTo(1 - 60 / (60 + 74 * 3600), 9);
  });
});
