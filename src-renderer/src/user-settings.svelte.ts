/**
 * The user's settings as the UI holds them: the viewer's (in view-state, where the views read
 * them), the theme and the recent recordings. Restored from the backend once it answers, and
 * written back a moment after any of them changes — never before they were restored, so a start
 * does not overwrite what was kept with defaults.
 */
import type { ApiClient, UserSettings } from '../../src-main/core/api';
import { BAD_RECORDINGS_MAX, RECENT_MAX, withRecent, type StoredSettings, type Theme } from '../../src-main/core/viewer-settings';
import { viewer } from './view-state.svelte';

class Preferences {
  theme = $state<Theme>('dark');
  recent = $state<string[]>([]);
  /** The kept settings have been read (or could not be): from now on changes are written. */
  restored = $state(false);
  /** What of the kept settings could not be used (a hand-edited montage gone wrong), in one line. */
  notice = $state('');
}

export const prefs = new Preferences();

/** What is kept, as it stands now (reading it in an effect subscribes to every setting). */
export function currentSettings(): UserSettings {
  const { montage, sensitivity, highpassHz, lowpassHz, notchHz, pageSec } = viewer;
  // The recordings marked last are kept when there are too many: entries keep the order they were first marked in.
  const bad = Object.entries(viewer.bad).filter(([, electrodes]) => electrodes.length > 0);
  return {
    viewer: { montage, sensitivity, highpassHz, lowpassHz, notchHz, pageSec, theme: prefs.theme },
    recent: [...prefs.recent],
    montages: [...viewer.montages],
    layouts: { ...viewer.layouts },
    bad: Object.fromEntries(bad.slice(-BAD_RECORDINGS_MAX)),
  };
}

function apply(s: StoredSettings) {
  Object.assign(viewer, {
    montage: s.viewer.montage,
    sensitivity: s.viewer.sensitivity,
    highpassHz: s.viewer.highpassHz,
    lowpassHz: s.viewer.lowpassHz,
    notchHz: s.viewer.notchHz,
    pageSec: s.viewer.pageSec,
    montages: s.montages,
    layouts: s.layouts,
    bad: s.bad,
  });
  prefs.notice = s.notice ?? '';
  prefs.theme = s.viewer.theme;
  prefs.recent = s.recent;
}

/** Reads the kept settings into the UI; a failure leaves the defaults, as settings are a convenience. */
export async function restoreSettings(api: ApiClient): Promise<void> {
  if (prefs.restored) return;
  const before = JSON.stringify(currentSettings());
  try {
    const kept = await api.call('readSettings', {});
    // A setting changed while the kept ones were on their way is the user's latest word: it stays.
    if (JSON.stringify(currentSettings()) === before) apply(kept);
    else prefs.recent = [...prefs.recent, ...kept.recent.filter((p) => !prefs.recent.includes(p))].slice(0, RECENT_MAX);
  } finally {
    prefs.restored = true;
  }
}

/** Keeps a recording just opened at the top of the recent list. */
export function rememberRecent(path: string): void {
  prefs.recent = withRecent(prefs.recent, path);
}
