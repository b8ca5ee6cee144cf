/** One colour per class, the same in every chart of the app and of the demo report. */
import type { ClassName } from './eeg';

export const CLASS_COLOURS: Record<ClassName, string> = {
  seizure: '#e53935',
  lpd: '#fb8c00',
  gpd: '#c0ca33',
  lrda: '#43a047',
  grda: '#00acc1',
  other: '#9e9e9e',
};
