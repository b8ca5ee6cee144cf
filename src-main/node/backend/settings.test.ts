import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_VIEWER_SETTINGS } from '../../core/viewer-settings';
import { createService, dispatch } from './service';

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('settings kept in the data folder', () => {
  it('gives defaults at first, keeps what is written in settings.json, and reads it back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-settings-'));
    const data = join(dir, 'app');
    const service = createService({ dataDir: data });
    expect(await service.readSettings({})).toEqual({ viewer: DEFAULT_VIEWER_SETTINGS, recent: [], montages: [], layouts: {}, bad: {} });
    const mine = { name: 'mine', derivations: [{ label: 'Cz-avg', plus: 'Cz', minus: 'avg' }] };
    const settings = {
      viewer: { ...DEFAULT_VIEWER_SETTINGS, theme: 'paper' as const, pageSec: 30, montage: 'mine' },
      recent: ['/r/a.edf'],
      montages: [mine],
      layouts: { bipolar: { order: ['Fz-Cz'], hidden: ['Fp1-F7'], others: ['T1'] } },
      bad: { '/r/a.edf': ['F7', 'O2'] },
    };
    await Promise.all([service.writeSettings({ ...settings, recent: [] }), service.writeSettings(settings)]);
    expect(await createService({ dataDir: data }).readSettings({})).toEqual(settings);
    expect(JSON.parse(await readFile(join(data, 'settings.json'), 'utf8'))).toEqual(settings);
    // Temp-then-rename: nothing but the file is left beside it.
    expect(await readdir(data)).toEqual(['settings.json']);
  });

  it('reads a damaged file as defaults, and refuses a malformed request as usage', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-settings-'));
    await writeFile(join(dir, 'settings.json'), '{"viewer": {"theme": "paper"');
    const service = createService({ dataDir: dir });
    expect((await service.readSettings({})).viewer).toEqual(DEFAULT_VIEWER_SETTINGS);
    const reply = await dispatch(service, 'writeSettings', { viewer: { ...DEFAULT_VIEWER_SETTINGS, sensitivity: 11 }, recent: [], montages: [] });
    expect(reply).toEqual({ ok: false, error: { kind: 'usage', code: 'bad-request', message: expect.stringContaining('viewer.sensitivity must be one of') } });
  });

  it('reads a hand-edited file with a broken montage: the others kept, the broken one said in one line, never a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-settings-'));
    const good = { name: 'mine', derivations: [{ label: 'Fp1-F7', plus: 'Fp1', minus: 'F7' }] };
    const broken = { name: 'typo', derivations: [{ label: 'Fp1-Fp1', plus: 'Fp1', minus: 'Fp1' }] };
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ viewer: { ...DEFAULT_VIEWER_SETTINGS, montage: 'typo' }, recent: [], montages: [broken, good, 'x'] }));
    const read = await createService({ dataDir: dir }).readSettings({});
    expect(read.montages).toEqual([good]);
    expect(read.viewer.montage).toBe(DEFAULT_VIEWER_SETTINGS.montage);
    expect(read.notice).toBe(
      'Saved montages left out of the settings file: montage "typo" row 1: the reference must be another channel, avg, lap or none; a montage needs a name of 1 to 40 characters',
    );
    expect(read.notice).not.toContain('\n');
  });
});
