/** Where the 10-20 electrodes sit, flattened onto a unit disc (nose up, left at x < 0). */
import { EEG_ELECTRODES } from '../../core/eeg';

export const ELECTRODE_XY: Record<string, [number, number]> = {
  Fp1: [-0.3, 0.95],
  Fp2: [0.3, 0.95],
  F7: [-0.8, 0.6],
  F3: [-0.4, 0.55],
  Fz: [0, 0.5],
  F4: [0.4, 0.55],
  F8: [0.8, 0.6],
  T3: [-1, 0],
  C3: [-0.5, 0],
  Cz: [0, 0],
  C4: [0.5, 0],
  T4: [1, 0],
  T5: [-0.8, -0.6],
  P3: [-0.4, -0.55],
  Pz: [0, -0.5],
  P4: [0.4, -0.55],
  T6: [0.8, -0.6],
  O1: [-0.3, -0.95],
  O2: [0.3, -0.95],
};

export const XY = EEG_ELECTRODES.map((e) => ELECTRODE_XY[e]);

/** Gaussian spatial field around `centre`: 1 at the centre, falling off over `width`. */
export function field(centre: readonly [number, number], width: number): Float64Array {
  return Float64Array.from(XY, ([x, y]) => Math.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * width * width)));
}

export const index = (electrode: string) => EEG_ELECTRODES.indexOf(electrode as (typeof EEG_ELECTRODES)[number]);
