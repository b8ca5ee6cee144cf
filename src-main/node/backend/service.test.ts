/**
 * The dispatch's one decision about a failure: whose fault it is. A request the validators refuse
 * is usage, a problem with the user's file, folder or model is input, anything else is internal —
 * what the UI needs to tell a bad file from a bug.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../core/api';
import { DataError } from '../../core/eeg';
import { InputError } from '../../core/errors';
import { createService, dispatch } from './service';

let dir: string;
let service: ApiHandlers;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-service-'));
  service = createService({ dataDir: join(dir, 'app') });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The service with `inspect` replaced by one that fails with `err`. */
const failingWith = (err: unknown): ApiHandlers => ({
  ...service,
  inspect: () => Promise.reject(err),
});

describe('the kind of a failed call', () => {
  it('is usage for a request the validators refuse, or a call that does not exist', async () => {
    expect(await dispatch(service, 'inspect', { path: 7 })).toEqual({ ok: false, error: { kind: 'usage', code: 'bad-request', message: 'path must be a non-empty string' } });
    expect(await dispatch(service, 'deleteEverything', {})).toEqual({ ok: false, error: { kind: 'usage', code: 'unknown-call', message: 'unknown call "deleteEverything"' } });
  });

  it("is input for a problem with the user's file, folder or model", async () => {
    const csv = join(dir, 'notes.csv');
    await writeFile(csv, 'a,b\n');
    expect(await dispatch(service, 'inspect', { path: csv })).toMatchObject({
      ok: false,
      error: { kind: 'input', code: 'data', message: expect.stringContaining('unknown recording format ".csv"') },
    });
    expect(await dispatch(failingWith(new DataError('/r.edf', 'the header is cut short')), 'inspect', { path: '/r.edf' })).toEqual({
      ok: false,
      error: { kind: 'input', code: 'data', message: '/r.edf: the header is cut short' },
    });
    expect(await dispatch(failingWith(new InputError('a batch is already running into /out', 'busy')), 'inspect', { path: '/r.edf' })).toMatchObject({
      error: { kind: 'input', code: 'busy' },
    });
    const missing = await readFile(join(dir, 'gone.edf')).catch((err: unknown) => err);
    expect(await dispatch(failingWith(missing), 'inspect', { path: '/r.edf' })).toMatchObject({ error: { kind: 'input', code: 'ENOENT' } });
    await expect(dispatch(service, 'classify', { recording: csv, modelPath: join(dir, 'none.onnx'), timeline: false, strideSec: 10 })).resolves.toMatchObject({
      error: { kind: 'input', message: expect.stringContaining('none.onnx') },
    });
  });

  it('is internal for anything else: a bug, named by its class', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'length')");
    expect(await dispatch(failingWith(bug), 'inspect', { path: '/r.edf' })).toEqual({ ok: false, error: { kind: 'internal', code: 'TypeError', message: bug.message } });
    expect(await dispatch(failingWith('a string'), 'inspect', { path: '/r.edf' })).toEqual({ ok: false, error: { kind: 'internal', code: 'string', message: 'a string' } });
  });
});
