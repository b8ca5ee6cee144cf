/**
 * What the viewer remembers for its user between sessions: how the traces are shown (montage,
 * sensitivity, filters, page length, theme), the montages the user built, how each montage's rows
 * are arranged, the electrodes marked bad on each recording and the recordings opened last. Read from a file the
 * user may have edited or an older version wrote, so reading is lenient (a bad field falls back to
 * its default); a request to write comes from outside the backend, so it is checked strictly.
 */
import { EEG_ELECTRODES } from './eeg';
import { builtinMontage, checkMontage, isBadChannelList, MAX_BAD_CHANNELS, type Montage } from './montage';
import { checkRowLayout, type RowLayout } from './row-layout';

export const THEMES = ['dark', 'paper'] as const;
export type Theme = (typeof THEMES)[number];

/** µV per mm, as EEG systems offer them. */
export const SENSITIVITIES: readonly number[] = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200];
/** Seconds a page shows: 1 s for a spike's shape up to 5 min for a trend. */
export const PAGE_SECONDS: readonly number[] = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300];
export const HIGHPASS_HZ: readonly number[] = [0, 0.1, 0.3, 0.5, 1, 2, 5];
export const LOWPASS_HZ: readonly number[] = [0, 15, 20, 30, 40, 70];
export const NOTCH_HZ = [0, 50, 60] as const;
export type NotchHz = (typeof NOTCH_HZ)[number];
/** Recent recordings kept, newest first. */
export const RECENT_MAX = 10;
/** The user's own montages kept: more than anyone picks from a list. */
export const SAVED_MONTAGES_MAX = 50;
/** Montages whose rows are kept arranged: the built-ins and every saved one. */
export const LAYOUTS_MAX = 64;
/** Recordings whose bad electrodes are kept: a reader's working set, many times the recent list. */
export const BAD_RECORDINGS_MAX = 200;

export interface ViewerSettings {
  /** A built-in montage's name or one of `UserSettings.montages`. */
  montage: string;
  sensitivity: number;
  /** 0: off. */
  highpassHz: number;
  lowpassHz: number;
  notchHz: NotchHz;
  pageSec: number;
  theme: Theme;
}

export interface UserSettings {
  viewer: ViewerSettings;
  /** Paths of the recordings opened last, newest first. */
  recent: string[];
  /** The montages the user built, in the order saved. */
  montages: Montage[];
  /** How the reader arranged each montage's rows, by montage name. */
  layouts: Record<string, RowLayout>;
  /** The channels marked bad on each recording, by path. */
  bad: Record<string, string[]>;
}

/** Settings as read back: what was left out of a damaged or hand-edited file is said in one line. */
export interface StoredSettings extends UserSettings {
  notice?: string;
}

export const DEFAULT_VIEWER_SETTINGS: ViewerSettings = { montage: 'bipolar', sensitivity: 10, highpassHz: 0.5, lowpassHz: 40, notchHz: 0, pageSec: 10, theme: 'dark' };

/** Each setting and the values it may take; the montage's depend on the montages saved. */
const CHOICES: { [K in Exclude<keyof ViewerSettings, 'montage'>]: readonly ViewerSettings[K][] } = {
  sensitivity: SENSITIVITIES,
  highpassHz: HIGHPASS_HZ,
  lowpassHz: LOWPASS_HZ,
  notchHz: NOTCH_HZ,
  pageSec: PAGE_SECONDS,
  theme: THEMES,
};
const KEYS = Object.keys(CHOICES) as (keyof typeof CHOICES)[];

const isPath = (p: unknown): p is string => typeof p === 'string' && p.length > 0 && p.length <= 4096 && !p.includes('\0');
const fieldOf = (r: unknown, k: string): unknown => (typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[k] : undefined);

/** Settings as stored: what is unknown or out of range takes its default, so an old or hand-edited file never stops the app. */
export function parseUserSettings(stored: unknown): StoredSettings {
  const viewer = fieldOf(stored, 'viewer');
  const recent = fieldOf(stored, 'recent');
  const { montages, problems } = savedMontages(fieldOf(stored, 'montages'));
  const settings = { ...DEFAULT_VIEWER_SETTINGS };
  for (const k of KEYS) {
    const value = fieldOf(viewer, k);
    if ((CHOICES[k] as readonly unknown[]).includes(value)) (settings as Record<string, unknown>)[k] = value;
  }
  const montage = fieldOf(viewer, 'montage');
  if (typeof montage === 'string' && (builtinMontage(montage) || montages.some((m) => m.name === montage))) settings.montage = montage;
  return {
    viewer: settings,
    recent: Array.isArray(recent) ? [...new Set(recent.filter(isPath))].slice(0, RECENT_MAX) : [],
    montages,
    layouts: keptLayouts(fieldOf(stored, 'layouts')),
    bad: keptBad(fieldOf(stored, 'bad')),
    ...(problems.length ? { notice: `Saved montages left out of the settings file: ${problems.join('; ')}` } : {}),
  };
}

const entriesOf = (v: unknown): [string, unknown][] => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : []);
const isMontageName = (n: string) => n.length > 0 && n.length <= 40;
/** A recording's bad channels: electrodes in the 10-20 order, then its other channels as marked. */
const channelsIn = (v: unknown): string[] | null =>
  isBadChannelList(v) ? [...EEG_ELECTRODES.filter((e) => v.includes(e)), ...new Set(v.filter((c) => !(EEG_ELECTRODES as readonly string[]).includes(c)))] : null;

/** The row layouts a settings file holds that are well formed; the others are dropped (a layout is a convenience). */
function keptLayouts(stored: unknown): Record<string, RowLayout> {
  const kept: Record<string, RowLayout> = {};
  for (const [name, value] of entriesOf(stored).slice(0, LAYOUTS_MAX)) {
    try {
      if (isMontageName(name)) kept[name] = checkRowLayout(value, name);
    } catch {
      // Left out: the montage is drawn as it is.
    }
  }
  return kept;
}

/** The bad electrodes a settings file holds, for the recordings it names well. */
function keptBad(stored: unknown): Record<string, string[]> {
  const kept: Record<string, string[]> = {};
  for (const [path, value] of entriesOf(stored).slice(0, BAD_RECORDINGS_MAX)) {
    const channels = channelsIn(value);
    if (isPath(path) && channels?.length) kept[path] = channels;
  }
  return kept;
}

/** The montages a settings file holds that can be drawn, and one phrase for each that cannot. */
function savedMontages(stored: unknown): { montages: Montage[]; problems: string[] } {
  const montages: Montage[] = [];
  const problems: string[] = [];
  if (stored === undefined) return { montages, problems };
  if (!Array.isArray(stored)) return { montages, problems: ['montages is not a list'] };
  for (const item of stored.slice(0, SAVED_MONTAGES_MAX)) {
    try {
      montages.push(savedMontage(item, montages));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { montages, problems };
}

/** One of the user's montages: well formed, named apart from the built-ins and from those before it. */
function savedMontage(value: unknown, before: readonly Montage[]): Montage {
  const montage = checkMontage(value);
  if (builtinMontage(montage.name) || before.some((m) => m.name === montage.name)) throw new Error(`montage "${montage.name}" has the name of another`);
  return montage;
}

/** A request to store settings: every field present and one of its choices, or it is refused naming the field. */
export function checkUserSettings(request: unknown): UserSettings {
  const viewer = fieldOf(request, 'viewer');
  for (const k of KEYS) {
    if (!(CHOICES[k] as readonly unknown[]).includes(fieldOf(viewer, k))) throw new Error(`viewer.${k} must be one of ${CHOICES[k].join(', ')}`);
  }
  const recent = fieldOf(request, 'recent');
  if (!Array.isArray(recent) || recent.length > RECENT_MAX || !recent.every(isPath)) throw new Error(`recent must be a list of at most ${RECENT_MAX} paths`);
  const stored = fieldOf(request, 'montages');
  if (!Array.isArray(stored) || stored.length > SAVED_MONTAGES_MAX) throw new Error(`montages must be a list of at most ${SAVED_MONTAGES_MAX}`);
  const montages = stored.reduce<Montage[]>((kept, m) => [...kept, savedMontage(m, kept)], []);
  const montage = fieldOf(viewer, 'montage');
  if (typeof montage !== 'string' || !(builtinMontage(montage) || montages.some((m) => m.name === montage)))
    throw new Error('viewer.montage must name a built-in or saved montage');
  const { viewer: settings, recent: paths } = parseUserSettings(request);
  return { viewer: settings, recent: paths, montages, layouts: checkLayouts(fieldOf(request, 'layouts')), bad: checkBad(fieldOf(request, 'bad')) };
}

/** Strictly: a map of montage names to layouts, or none (a client that arranges nothing). */
function checkLayouts(request: unknown): Record<string, RowLayout> {
  if (request === undefined) return {};
  const entries = entriesOf(request);
  if (typeof request !== 'object' || Array.isArray(request) || entries.length > LAYOUTS_MAX)
    throw new Error(`layouts must map at most ${LAYOUTS_MAX} montage names to row layouts`);
  return Object.fromEntries(
    entries.map(([name, value]) => {
      if (!isMontageName(name)) throw new Error('layouts: a montage name has 1 to 40 characters');
      return [name, checkRowLayout(value, `layouts["${name}"]`)];
    }),
  );
}

/** Strictly: a map of recording paths to lists of channels, or none. */
function checkBad(request: unknown): Record<string, string[]> {
  if (request === undefined) return {};
  const entries = entriesOf(request);
  if (typeof request !== 'object' || Array.isArray(request) || entries.length > BAD_RECORDINGS_MAX)
    throw new Error(`bad must map at most ${BAD_RECORDINGS_MAX} recording paths to electrodes`);
  return Object.fromEntries(
    entries.map(([path, value]) => {
      const channels = channelsIn(value);
      if (!isPath(path) || !channels) throw new Error(`bad: each recording's list holds at most ${MAX_BAD_CHANNELS} channel names`);
      return [path, channels];
    }),
  );
}

/** The recent list with `path` first, once, at most RECENT_MAX long. */
export function withRecent(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, RECENT_MAX);
}
