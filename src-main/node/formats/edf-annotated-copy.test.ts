import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../core/eeg';
import { discontinuous } from '../hostile/edf-bytes';
import { encodeEdfSeconds } from '../hostile/shared';
import { readEdf } from './edf';
import { writeAnnotatedEdfCopy } from './edf-annotated-copy';
import { EdfReader } from './edf-reader';

const FIXTURES = join(import.meta.dirname, '__fixtures__');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-edf-copy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** The copy holds the original's samples exactly and the edited events, and the original is untouched. */
async function expectFaithfulCopy(source: string, edited: Annotation[], targetRateHz: number | null = null): Promise<string> {
  const before = await digest(source);
  const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.edf`);
  await writeAnnotatedEdfCopy(source, copy, edited);
  expect(await digest(source)).toBe(before);
  const [original, copied] = await Promise.all([readEdf(source, { targetRateHz }), readEdf(copy, { targetRateHz })]);
  expect(copied.channels).toEqual(original.channels);
  expect(copied.sampleRateHz).toBe(original.sampleRateHz);
  // Bytes compared, not values: NaN in EDF+D gaps equals itself there, and a typed-array deep equal is slow.
  const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  copied.data.forEach((d, c) => expect(bytes(d).equals(bytes(original.data[c])), copied.channels[c]).toBe(true));
  expect(copied.source.startTime).toBe(original.source.startTime);
  expect(copied.annotations.map((a) => ({ ...a, onsetSec: +a.onsetSec.toFixed(6) }))).toEqual(edited.map((a) => ({ ...a, text: a.text.replace(/\p{Cc}/gu, ' ') })));
  return copy;
}

describe('an EDF+ copy with edited annotations', () => {
  it('copies an EDF+C sample for sample, with its events replaced by the edited ones, the original untouched', async () => {
    const source = join(dir, 'minute.edf');
    await writeFile(source, encodeEdfSeconds(60, 256));
    expect((await readEdf(source)).annotations).toEqual([{ onsetSec: 2, durationSec: 1, text: 'eyes closed' }]);
    await expectFaithfulCopy(source, [
      { onsetSec: 2, durationSec: 1, text: 'eyes closed' },
      { onsetSec: 12.25, durationSec: 0, text: 'spike?' },
      { onsetSec: 59.5, durationSec: 3.5, text: 'seizure onset\x14 (tab\there)' },
    ]);
  });

  it('keeps an EDF+D discontinuous, each record at its time, and files an event after the gap in the record that holds it', async () => {
    const source = join(dir, 'gap.edf');
    await writeFile(
      source,
      discontinuous(encodeEdfSeconds(20), (r) => (r < 10 ? r : r + 120)),
    );
    const copy = await expectFaithfulCopy(source, [{ onsetSec: 125, durationSec: 2, text: 'after the pause' }]);
    const [a, b] = await Promise.all([EdfReader.open(source), EdfReader.open(copy)]);
    try {
      expect(b.format).toBe('edf+d');
      expect(b.segments).toEqual(a.segments);
    } finally {
      a.close();
      b.close();
    }
  });

  it('copies EDFlib-made BDF+ and mixed-rate EDF+ files, their 24-bit and per-signal layouts intact', async () => {
    await expectFaithfulCopy(join(FIXTURES, 'clinical-256hz.bdf'), [{ onsetSec: 1.5, durationSec: 0, text: 'checked' }]);
    // Signals at different rates are read at one (200 Hz): equal reads of equal bytes.
    await expectFaithfulCopy(join(FIXTURES, 'mixed-rates.edf'), [{ onsetSec: 1.5, durationSec: 0, text: 'checked' }], 200);
  });

  it('never writes over its original, and names the copy it cannot write', async () => {
    const source = join(dir, 'minute.edf');
    await expect(writeAnnotatedEdfCopy(source, source, [])).rejects.toThrow(/never written over its original/);
    await expect(writeAnnotatedEdfCopy(source, join(dir, 'no-such-folder', 'copy.edf'), [])).rejects.toThrow(/no-such-folder\/copy\.edf: cannot write it/);
  });
});
