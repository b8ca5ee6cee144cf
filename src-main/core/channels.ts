/**
 * Channel labels as clinical systems write them ('EEG Fp1-REF', 'FP1', 'Fp1-LE', 'EEG T7-Ref',
 * 'ECG') mapped to the HMS names, and any recording put into the HMS layout.
 */
import { DataError, EEG_ELECTRODES, EKG_CHANNEL, HMS_CHANNELS, type Recording } from './eeg';

/** The 10-10 names of the four temporal/parietal electrodes, in HMS's older 10-20 names. */
const MODERN_TO_HMS: Record<string, string> = { T7: 'T3', T8: 'T4', P7: 'T5', P8: 'T6' };
const BY_UPPER = new Map<string, string>(EEG_ELECTRODES.map((e) => [e.toUpperCase(), e]));
/** What systems put before a name: the signal type ('EEG Fp1-REF') or Nihon Kohden's 'POL'. */
const PREFIX = /^(EEG|POL) +(?=\S)/;
/** The reference of a referential derivation: 'Fp1-REF', 'Fp1-LE', 'O2-A1', 'P8-AVG', 'Fp1-Cz'. */
const REFERENCE = /[-_ ](REF|LE|RE|AR|AV|AVG|CAR|A1|A2|M1|M2|CZ)$/;
/** 'ECG', 'EKG1', 'ECG EKG', 'ECG-REF', 'ECGL': any ECG lead. Heart rate ('HR') is not one. */
const EKG_LABEL = /^(ECG|EKG)[LR]?(?![A-Z])/;

/** A clinical system's label as the HMS name ('EEG T7-REF' → 'T3', 'ECG' → 'EKG'); unknown labels come back trimmed. */
export function normaliseChannelLabel(label: string): string {
  const trimmed = label.trim();
  const core = trimmed.toUpperCase().replace(/\s+/g, ' ').replace(PREFIX, '');
  if (EKG_LABEL.test(core)) return EKG_CHANNEL;
  // PhysioNet pads names with dots to a fixed width ('Fp1.', 'T7..').
  const electrode = core.replace(REFERENCE, '').replace(/\.+$/, '').replace(/ /g, '');
  return BY_UPPER.get(MODERN_TO_HMS[electrode] ?? electrode) ?? trimmed;
}

/**
 * An electrode of the extended 10-10 system as it is usually written ('FPZ' → 'Fpz', 'T1', 'A2',
 * 'PO7'): a site's letters, then z or a number.
 */
const TEN_TEN = /^(FP|AF|FT|FC|F|TP|T|CP|C|PO|P|O|I|A|M)(Z|\d{1,2})$/;
const SITE_CASE: Record<string, string> = { FP: 'Fp' };

/**
 * The name a channel outside the HMS layout goes by in the viewer: an electrode's as the 10-10
 * system writes it ('EEG T1-REF' → 'T1', 'POL A2' → 'A2', 'Fpz.' → 'Fpz'), else the label as the
 * file gives it, trimmed ('EMG chin', 'SpO2'). HMS channels keep their HMS names.
 */
export function channelName(label: string): string {
  const hms = normaliseChannelLabel(label);
  if (HMS_CHANNELS.includes(hms)) return hms;
  const core = label.trim().toUpperCase().replace(/\s+/g, ' ').replace(PREFIX, '').replace(REFERENCE, '').replace(/\.+$/, '');
  const site = TEN_TEN.exec(core);
  return site ? `${SITE_CASE[site[1]] ?? site[1]}${site[2] === 'Z' ? 'z' : site[2]}` : label.trim();
}

export interface HmsLayout {
  recording: Recording;
  /** HMS channels the file lacks: filled with NaN, so the NaN policy sees them. */
  missing: string[];
  /** Labels that normalised to a channel already taken (the first one wins). */
  duplicates: string[];
}

/** The 19 electrodes + EKG in HMS order. Reference-derived labels like 'Fp1-F7' are not electrodes. */
export function toHmsLayout(rec: Recording): HmsLayout {
  const index = new Map<string, number>();
  const duplicates: string[] = [];
  rec.channels.forEach((label, i) => {
    const name = normaliseChannelLabel(label);
    if (!HMS_CHANNELS.includes(name)) return;
    if (index.has(name)) duplicates.push(label);
    else index.set(name, i);
  });
  if (index.size === 0) {
    throw new DataError(rec.source.path, `no 10-20 EEG channel found among: ${rec.channels.slice(0, 12).join(', ')}${rec.channels.length > 12 ? ', …' : ''}`);
  }
  const samples = rec.data[0]?.length ?? 0;
  const missing: string[] = [];
  const data = HMS_CHANNELS.map((name) => {
    const i = index.get(name);
    if (i !== undefined) return rec.data[i];
    missing.push(name);
    return new Float32Array(samples).fill(NaN);
  });
  return {
    recording: { ...rec, channels: [...HMS_CHANNELS], data, units: HMS_CHANNELS.map((n) => rec.units[index.get(n) ?? -1] ?? 'uV') },
    missing,
    duplicates,
  };
}
