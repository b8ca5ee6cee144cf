import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../core/api';
import { HMS_CHANNELS } from '../../core/eeg';
import { sidecarPath } from '../formats/annotation-files';
import { writeHmsParquet } from '../formats/parquet-write';
import { createService, dispatch } from './service';

let dir: string;
let edf: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-events-api-'));
  edf = join(dir, 'aaaaaajy_s001_t000.edf');
  await copyFile(join(import.meta.dirname, '..', 'formats', '__fixtures__', 'clinical-256hz.edf'), edf);
  // TUH's seizure file beside it, and a broken TUH term file.
  await writeFile(join(dir, 'aaaaaajy_s001_t000.tse'), 'version = tse_v1.0.0\n\n0.0000 36.8868 bckg 1.0000\n36.8868 183.3055 seiz 1.0000\n');
  await writeFile(join(dir, 'aaaaaajy_s001_t000.csv_bi'), 'channel,start_time,stop_time,label\nTERM,1,zz,seiz\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('events through the backend', () => {
  let service: ApiHandlers;
  beforeAll(() => {
    service = createService({ dataDir: join(dir, 'app') });
  });

  it('opens a recording with its own and its files’ events, saves the user’s to the sidecar and shows them on the next open', async () => {
    const before = await service.openRecording({ path: edf });
    expect(before.annotations.filter((a) => a.source === 'aaaaaajy_s001_t000.tse')).toHaveLength(1);
    expect(before.eventFileProblems).toHaveLength(1);
    const original = await readFile(edf);
    const saved = await dispatch(service, 'saveAnnotations', { path: edf, annotations: [{ onsetSec: 1, durationSec: 0.5, text: 'artifact' }] });
    expect(saved).toEqual({ ok: true, value: { file: sidecarPath(edf) } });
    const after = await service.openRecording({ path: edf });
    expect(after.annotations.filter((a) => a.source === 'aaaaaajy_s001_t000.edf.annotations.csv')).toEqual([
      { onsetSec: 1, durationSec: 0.5, text: 'artifact', source: 'aaaaaajy_s001_t000.edf.annotations.csv' },
    ]);
    // The recording itself is never rewritten.
    expect(await readFile(edf)).toEqual(original);
  });

  it('copies an EDF recording with its own events and the user’s as EDF+, the original untouched, and refuses a parquet', async () => {
    const original = await readFile(edf);
    const own = (await service.openRecording({ path: edf })).annotations.filter((a) => a.source === undefined);
    expect(own.length).toBeGreaterThan(0);
    const saved = await dispatch(service, 'saveAnnotatedCopy', { path: edf, annotations: [{ onsetSec: 3, durationSec: 2, text: 'seizure?' }] });
    const copy = join(dir, 'aaaaaajy_s001_t000.annotated.edf');
    expect(saved).toEqual({ ok: true, value: { file: copy } });
    const reopened = await service.openRecording({ path: copy });
    expect(reopened.annotations.filter((a) => a.source === undefined).map((a) => ({ ...a, onsetSec: +a.onsetSec.toFixed(6) }))).toEqual(
      [...own, { onsetSec: 3, durationSec: 2, text: 'seizure?' }].sort((a, b) => a.onsetSec - b.onsetSec),
    );
    expect(await readFile(edf)).toEqual(original);
    const parquet = join(dir, 'window.parquet');
    await writeHmsParquet(
      parquet,
      HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: Float32Array.from({ length: 10_000 }, (_, i) => 20 * Math.sin(i / (10 + c))) })),
    );
    expect(await dispatch(service, 'saveAnnotatedCopy', { path: parquet, annotations: [] })).toMatchObject({
      ok: false,
      error: { kind: 'input', message: `${parquet}: an EDF+ copy is made of EDF or BDF recordings; this one is hms-parquet: save its events beside it instead` },
    });
  });

  it('refuses events that are not events, and a sidecar for a file that is not a recording', async () => {
    expect(await dispatch(service, 'saveAnnotations', { path: edf, annotations: [{ onsetSec: -1, durationSec: 0, text: 'x' }] })).toMatchObject({
      ok: false,
      error: { kind: 'usage', message: 'onsetSec must be a number from 0 to 10000000' },
    });
    expect(await dispatch(service, 'saveAnnotations', { path: edf, annotations: [{ onsetSec: 1, durationSec: 0, text: ' ' }] })).toMatchObject({
      ok: false,
      error: { kind: 'usage' },
    });
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, 'hello');
    expect(await dispatch(service, 'saveAnnotations', { path: notes, annotations: [] })).toMatchObject({ ok: false, error: { kind: 'input' } });
    await expect(readFile(sidecarPath(notes))).rejects.toThrow('ENOENT');
  });
});
