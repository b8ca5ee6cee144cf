/**
 * Montages: how the 19 referential electrodes are shown and fed to a model. The bipolar "double
 * banana" is what EEG readers use; referential and average reference are the other common views.
 * Every montage keeps EKG as its last row, untouched.
 */
import { EEG_ELECTRODES, EKG_CHANNEL } from './eeg';

export type MontageKind = 'bipolar' | 'referential' | 'average';
export const MONTAGES: readonly MontageKind[] = ['bipolar', 'referential', 'average'];

/** The 18 chains of the double banana, in the notebook's (and the HMS winners') order. */
export const BIPOLAR_CHAINS: readonly (readonly [string, string])[] = [
  ['Fp1', 'F7'],
  ['F7', 'T3'],
  ['T3', 'T5'],
  ['T5', 'O1'],
  ['Fp2', 'F8'],
  ['F8', 'T4'],
  ['T4', 'T6'],
  ['T6', 'O2'],
  ['Fp1', 'F3'],
  ['F3', 'C3'],
  ['C3', 'P3'],
  ['P3', 'O1'],
  ['Fp2', 'F4'],
  ['F4', 'C4'],
  ['C4', 'P4'],
  ['P4', 'O2'],
  ['Fz', 'Cz'],
  ['Cz', 'Pz'],
];

/** Chain groups of the double banana, for a viewer that separates them and for region spectrograms. */
export const CHAIN_GROUPS: readonly { name: 'LL' | 'RL' | 'LP' | 'RP' | 'Z'; label: string; rows: readonly number[] }[] = [
  { name: 'LL', label: 'left temporal', rows: [0, 1, 2, 3] },
  { name: 'RL', label: 'right temporal', rows: [4, 5, 6, 7] },
  { name: 'LP', label: 'left parasagittal', rows: [8, 9, 10, 11] },
  { name: 'RP', label: 'right parasagittal', rows: [12, 13, 14, 15] },
  { name: 'Z', label: 'midline', rows: [16, 17] },
];

const groupRows = (name: string) => CHAIN_GROUPS.find((g) => g.name === name)!.rows;

/** Rows of the double banana that mirror each other (LL ↔ RL, LP ↔ RP), left row first; midline and EKG have no mirror. */
export const BIPOLAR_MIRROR_PAIRS: readonly (readonly [number, number])[] = (
  [
    ['LL', 'RL'],
    ['LP', 'RP'],
  ] as const
).flatMap(([left, right]) => groupRows(left).map((row, k) => [row, groupRows(right)[k]] as const));

export function montageChannelNames(kind: MontageKind): string[] {
  switch (kind) {
    case 'bipolar':
      return [...BIPOLAR_CHAINS.map(([a, b]) => `${a}-${b}`), EKG_CHANNEL];
    case 'referential':
      return [...EEG_ELECTRODES, EKG_CHANNEL];
    case 'average':
      return [...EEG_ELECTRODES.map((e) => `${e}-avg`), EKG_CHANNEL];
  }
}

const ELECTRODE_INDEX = new Map<string, number>(EEG_ELECTRODES.map((e, i) => [e, i]));
const NO_ELECTRODES: ReadonlySet<string> = new Set();

/**
 * The montage's rows that carry no true signal when the `absent` electrodes are missing or flat:
 * a chain with an absent end (never drawn as the other electrode's referential signal), an absent
 * electrode's own row. The average reference is taken over the electrodes present, so only the
 * absent rows themselves go.
 */
export function absentRows(kind: MontageKind, absent: ReadonlySet<string>): string[] {
  if (kind === 'bipolar') return BIPOLAR_CHAINS.filter(([a, b]) => absent.has(a) || absent.has(b)).map(([a, b]) => `${a}-${b}`);
  return EEG_ELECTRODES.filter((e) => absent.has(e)).map((e) => (kind === 'average' ? `${e}-avg` : e));
}

/**
 * The input rows (HMS column order: 19 electrodes, then EKG) each row of the montage is computed
 * from: both ends of a chain, an electrode's own row. The average reference's mean is left out:
 * it spreads one electrode's interpolated gap thinly over every row, which is not worth a mark.
 */
export function montageSources(kind: MontageKind): number[][] {
  const ekg = [EEG_ELECTRODES.length];
  if (kind === 'bipolar') return [...BIPOLAR_CHAINS.map(([a, b]) => [ELECTRODE_INDEX.get(a)!, ELECTRODE_INDEX.get(b)!]), ekg];
  return [...EEG_ELECTRODES.map((_, i) => [i]), ekg];
}

/**
 * `data` holds the 19 electrodes then EKG (HMS column order). Returns the rows in the montage's
 * order (montageChannelNames), written into `out` when given (a caller that reuses its buffers),
 * else new arrays; the rows `absentRows` names are zeros.
 */
export function applyMontage(
  kind: MontageKind,
  data: readonly Float32Array[],
  absent: ReadonlySet<string> = NO_ELECTRODES,
  out: Float32Array[] = montageChannelNames(kind).map(() => new Float32Array(data[0]?.length ?? 0)),
): Float32Array[] {
  if (data.length !== EEG_ELECTRODES.length + 1) {
    throw new Error(`a montage needs the 19 electrodes and EKG (20 rows), got ${data.length}`);
  }
  const n = data[0].length;
  out[out.length - 1].set(data[EEG_ELECTRODES.length]);
  switch (kind) {
    case 'referential':
      EEG_ELECTRODES.forEach((e, i) => {
        if (absent.has(e)) out[i].fill(0);
        else out[i].set(data[i]);
      });
      return out;
    case 'bipolar':
      BIPOLAR_CHAINS.forEach(([a, b], row) => {
        const y = out[row];
        if (absent.has(a) || absent.has(b)) {
          y.fill(0);
          return;
        }
        const x0 = data[ELECTRODE_INDEX.get(a)!];
        const x1 = data[ELECTRODE_INDEX.get(b)!];
        for (let i = 0; i < n; i++) y[i] = x0[i] - x1[i];
      });
      return out;
    case 'average': {
      const present = EEG_ELECTRODES.flatMap((e, i) => (absent.has(e) ? [] : [i]));
      const mean = new Float64Array(n);
      for (const e of present) {
        const ch = data[e];
        for (let i = 0; i < n; i++) mean[i] += ch[i];
      }
      for (let i = 0; i < n; i++) mean[i] /= Math.max(1, present.length);
      EEG_ELECTRODES.forEach((e, k) => {
        const y = out[k];
        if (absent.has(e)) {
          y.fill(0);
          return;
        }
        const ch = data[k];
        for (let i = 0; i < n; i++) y[i] = ch[i] - mean[i];
      });
      return out;
    }
  }
}
