/** Opens any recording a user can give us, by what the file is, in the HMS channel layout. */
import { extname } from 'node:path';
import { DataError, EEG_ELECTRODES, EKG_CHANNEL, RECORDING_EXTENSIONS, type Recording } from '../core/eeg';
import { normaliseChannelLabel, toHmsLayout } from '../core/channels';
import { readEdf } from './formats/edf';
import { readHmsEegParquet } from './formats/parquet';

/** The recording as read, channels as the file names them (normalised). */
export async function readRecording(path: string): Promise<Recording> {
  switch (extname(path).toLowerCase()) {
    case '.parquet':
      return readHmsEegParquet(path);
    case '.edf':
    case '.bdf':
      return readEdf(path);
    default:
      throw new DataError(path, `unknown recording format "${extname(path) || '(no extension)'}": expected ${RECORDING_EXTENSIONS.join(', ')}`);
  }
}

/** The recording in HMS layout (19 electrodes + EKG, 200 Hz); channels the file lacks are listed. */
export async function readHmsLayoutRecording(path: string): Promise<{ recording: Recording; missing: string[] }> {
  return checkedHmsLayout(await readRecording(path), path);
}

/** `toHmsLayout`, refusing what cannot be put in it: two leads of one electrode, or no scalp electrode at all. */
export function checkedHmsLayout(rec: Recording, path: string): { recording: Recording; missing: string[] } {
  const { recording, missing, duplicates } = toHmsLayout(rec);
  // Two leads of one electrode are ambiguous; two ECG leads (ECGL, ECGR) are common, and the first is the EKG.
  const electrode = duplicates.find((label) => normaliseChannelLabel(label) !== EKG_CHANNEL);
  if (electrode) {
    const channel = normaliseChannelLabel(electrode);
    const signals = rec.channels.flatMap((label, i) => (normaliseChannelLabel(label) === channel ? [i + 1] : []));
    throw new DataError(path, `signals ${signals.join(' and ')} are both channel ${channel}; which one is meant cannot be told`);
  }
  if (missing.filter((c) => c !== EKG_CHANNEL).length === EEG_ELECTRODES.length) {
    throw new DataError(path, 'none of the 19 scalp electrodes of the 10-20 system was found');
  }
  return { recording, missing };
}
