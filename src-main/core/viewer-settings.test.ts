import { describe, expect, it } from 'vitest';
import { checkUserSettings, DEFAULT_VIEWER_SETTINGS, parseUserSettings, RECENT_MAX, withRecent } from './viewer-settings';

const paper = { ...DEFAULT_VIEWER_SETTINGS, montage: 'referential', sensitivity: 7, pageSec: 20, theme: 'paper', notchHz: 50 };

describe('viewer settings', () => {
  it('reads a stored file leniently: a bad or unknown field takes its default, a missing file is all defaults', () => {
    expect(parseUserSettings(undefined)).toEqual({ viewer: DEFAULT_VIEWER_SETTINGS, recent: [], montages: [], layouts: {}, bad: {} });
    expect(parseUserSettings({ viewer: { ...paper, sensitivity: 8, theme: 'neon', extra: 1 }, recent: ['/a.edf', 3, '/a.edf', ''] })).toEqual({
      viewer: { ...paper, sensitivity: DEFAULT_VIEWER_SETTINGS.sensitivity, theme: DEFAULT_VIEWER_SETTINGS.theme },
      recent: ['/a.edf'],
      montages: [],
      layouts: {},
      bad: {},
    });
  });

  it('keeps row layouts and bad electrodes that are well formed, drops the rest quietly when read, refuses them by name when asked to store', () => {
    const layout = { order: ['Cz-Pz', 'Fz-Cz'], hidden: ['Fp1-F7'], others: ['T1', 'A2'] };
    const stored = {
      layouts: { bipolar: layout, average: { order: 'x' }, [''.padEnd(41, 'x')]: layout },
      bad: { '/a.edf': ['T1', 'O2', 'F7', 'F7'], '/b.edf': [3], '/c.edf': [] },
    };
    expect(parseUserSettings(stored)).toMatchObject({ layouts: { bipolar: layout }, bad: { '/a.edf': ['F7', 'O2', 'T1'] } });
    const request = { viewer: paper, recent: [], montages: [] };
    expect(checkUserSettings({ ...request, layouts: { bipolar: layout }, bad: { '/a.edf': ['F7'] } })).toMatchObject({ layouts: { bipolar: layout }, bad: { '/a.edf': ['F7'] } });
    expect(() => checkUserSettings({ ...request, layouts: { bipolar: { ...layout, hidden: [3] } } })).toThrow('layouts["bipolar"].hidden must be a list of at most 128 names');
    expect(() => checkUserSettings({ ...request, layouts: [] })).toThrow('layouts must map at most 64 montage names');
    expect(() => checkUserSettings({ ...request, bad: { '/a.edf': ['EKG'] } })).toThrow("bad: each recording's list holds at most 128 channel names");
  });

  it('checks a request to store them strictly, naming the field', () => {
    expect(checkUserSettings({ viewer: paper, recent: ['/a.edf'], montages: [] })).toEqual({ viewer: paper, recent: ['/a.edf'], montages: [], layouts: {}, bad: {} });
    const mine = { name: 'mine', derivations: [{ label: 'Fp1', plus: 'Fp1', minus: null }] };
    expect(checkUserSettings({ viewer: { ...paper, montage: 'mine' }, recent: [], montages: [mine] }).viewer.montage).toBe('mine');
    expect(() => checkUserSettings({ viewer: { ...paper, montage: 'yours' }, recent: [], montages: [mine] })).toThrow('viewer.montage must name a built-in or saved montage');
    expect(() => checkUserSettings({ viewer: paper, recent: [], montages: [mine, mine] })).toThrow('montage "mine" has the name of another');
    expect(() => checkUserSettings({ viewer: paper, recent: [], montages: [{ ...mine, name: 'average' }] })).toThrow('has the name of another');
    expect(() => checkUserSettings({ viewer: { ...paper, pageSec: 7 }, recent: [], montages: [] })).toThrow('viewer.pageSec must be one of 1, 2, 5, 10, 15, 20, 30, 60, 120, 300');
    expect(() => checkUserSettings({ viewer: paper })).toThrow(`recent must be a list of at most ${RECENT_MAX} paths`);
    expect(() => checkUserSettings({ viewer: paper, recent: ['/a\0'], montages: [] })).toThrow('recent must be');
  });

  it('keeps recent files newest first, once each, at most RECENT_MAX', () => {
    expect(withRecent(['/b', '/a'], '/a')).toEqual(['/a', '/b']);
    const many = Array.from({ length: RECENT_MAX }, (_, i) => `/${i}`);
    expect(withRecent(many, '/new')).toEqual(['/new', ...many.slice(0, RECENT_MAX - 1)]);
  });
});
