/**
 * Montages: how the 19 referential electrodes are shown and fed to a model. A montage is data — a
 * named list of derivations, each an electrode minus another, minus the average of the electrodes
 * present, or alone — so the Viewer reads the built-in ones (the bipolar "double banana", which
 * models are fed, referential, average, Laplacian, transverse, Cz reference) and the user's own alike. Every
 * montage keeps EKG as its last row, untouched. A reader's row may also name a channel of the file
 * outside the 19 (T1, A2, Fpz, a polygraphy lead, by core/channels.ts channelName): models never
 * see one, and a recording without it draws that row flat, as it does a missing electrode's.
 */
import { EEG_ELECTRODES, EKG_CHANNEL } from './eeg';

/** The montages a model may be fed (PreprocessSpec): each a built-in montage's name. */
export type MontageKind = 'bipolar' | 'referential' | 'average';
export const MONTAGES: readonly MontageKind[] = ['bipolar', 'referential', 'average'];

/** `minus` of a derivation taken against the mean of the electrodes present (bad and absent ones left out). */
export const AVERAGE_REFERENCE = 'avg';
/** `minus` of a derivation taken against the mean of its electrode's neighbours present (a Hjorth Laplacian). */
export const LAPLACIAN_REFERENCE = 'lap';

/**
 * Each electrode's nearest neighbours on the 10-20 layout (front to back, left to right), for the
 * Laplacian: what sits above, below and beside it; the poles and the occipital pair also see each
 * other, having nothing beside them on their row. Symmetric: A is B's neighbour when B is A's.
 */
export const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  Fp1: ['Fp2', 'F7', 'F3'],
  Fp2: ['Fp1', 'F4', 'F8'],
  F7: ['Fp1', 'F3', 'T3'],
  F3: ['Fp1', 'F7', 'Fz', 'C3'],
  Fz: ['F3', 'F4', 'Cz'],
  F4: ['Fp2', 'Fz', 'F8', 'C4'],
  F8: ['Fp2', 'F4', 'T4'],
  T3: ['F7', 'C3', 'T5'],
  C3: ['F3', 'T3', 'Cz', 'P3'],
  Cz: ['Fz', 'C3', 'C4', 'Pz'],
  C4: ['F4', 'Cz', 'T4', 'P4'],
  T4: ['F8', 'C4', 'T6'],
  T5: ['T3', 'P3', 'O1'],
  P3: ['C3', 'T5', 'Pz', 'O1'],
  Pz: ['Cz', 'P3', 'P4'],
  P4: ['C4', 'Pz', 'T6', 'O2'],
  T6: ['T4', 'P4', 'O2'],
  O1: ['T5', 'P3', 'O2'],
  O2: ['O1', 'P4', 'T6'],
};

/** One row of a montage: `plus` minus `minus` — a channel, the average reference, or null for `plus` as recorded. */
export interface Derivation {
  label: string;
  plus: string;
  minus: string | null;
  /** Drawn this many times taller than the page's sensitivity makes it — display only, the µV read are the signal's; 1 when absent. */
  gain?: number;
}

/** The gains a row may be drawn at, as a reader steps a quiet or a loud channel. */
export const ROW_GAINS: readonly number[] = [0.2, 0.5, 1, 2, 5];

export interface Montage {
  name: string;
  derivations: Derivation[];
}

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

/** The standard transverse bipolar rows, front to back, each left to right; without the ear electrodes (A1, A2) the HMS files lack. */
const TRANSVERSE_CHAINS: readonly (readonly [string, string])[] = [
  ['Fp1', 'Fp2'],
  ['F7', 'F3'],
  ['F3', 'Fz'],
  ['Fz', 'F4'],
  ['F4', 'F8'],
  ['T3', 'C3'],
  ['C3', 'Cz'],
  ['Cz', 'C4'],
  ['C4', 'T4'],
  ['T5', 'P3'],
  ['P3', 'Pz'],
  ['Pz', 'P4'],
  ['P4', 'T6'],
  ['O1', 'O2'],
];

const chain = ([plus, minus]: readonly [string, string]): Derivation => ({ label: `${plus}-${minus}`, plus, minus });
const against =
  (minus: string) =>
  (plus: string): Derivation => ({ label: `${plus}-${minus}`, plus, minus });

/** The montages every user has; the first three are the MontageKinds models are fed, under those names. */
export const BUILTIN_MONTAGES: readonly Montage[] = [
  { name: 'bipolar', derivations: BIPOLAR_CHAINS.map(chain) },
  { name: 'referential', derivations: EEG_ELECTRODES.map((plus) => ({ label: plus, plus, minus: null })) },
  { name: 'average', derivations: EEG_ELECTRODES.map(against(AVERAGE_REFERENCE)) },
  { name: 'Laplacian', derivations: EEG_ELECTRODES.map(against(LAPLACIAN_REFERENCE)) },
  { name: 'transverse', derivations: TRANSVERSE_CHAINS.map(chain) },
  // Cz against itself would be a flat row: it is left out.
  { name: 'Cz reference', derivations: EEG_ELECTRODES.filter((e) => e !== 'Cz').map(against('Cz')) },
];

export function builtinMontage(name: string): Montage | undefined {
  return BUILTIN_MONTAGES.find((m) => m.name === name);
}

/** What a page is asked in: a built-in by its name, a saved montage by its rows; a name no longer saved is the double banana. */
export function pageMontage(name: string, saved: readonly Montage[]): string | Montage {
  if (builtinMontage(name)) return name;
  return saved.find((m) => m.name === name) ?? 'bipolar';
}

const ofKind = (kind: MontageKind): Montage => builtinMontage(kind)!;

/** The montage's row names: its derivations' labels, then EKG. */
export function montageLabels(montage: Montage): string[] {
  return [...montage.derivations.map((d) => d.label), EKG_CHANNEL];
}

export function montageChannelNames(kind: MontageKind): string[] {
  return montageLabels(ofKind(kind));
}

const ELECTRODE_INDEX = new Map<string, number>(EEG_ELECTRODES.map((e, i) => [e, i]));
const NO_ELECTRODES: ReadonlySet<string> = new Set();

/** The file's channels outside the 19 electrodes and EKG, by name: the signals, or only which there are. */
export type OtherChannels = { has(name: string): boolean };
const NO_OTHERS: ReadonlyMap<string, Float32Array> = new Map();

/** The channels a montage names outside the 19 electrodes (EKG is every montage's last row of its own). */
export function otherChannelsOf(montage: Montage): string[] {
  const named = montage.derivations.flatMap((d) => [
    d.plus,
    ...(d.minus && !ELECTRODE_INDEX.has(d.minus) && d.minus !== AVERAGE_REFERENCE && d.minus !== LAPLACIAN_REFERENCE ? [d.minus] : []),
  ]);
  return [...new Set(named.filter((name) => !ELECTRODE_INDEX.has(name)))];
}

/** Absent for a montage: marked absent or bad, or a channel the recording does not have. */
const unusable = (absent: ReadonlySet<string>, others: OtherChannels) => (name: string) => absent.has(name) || (!ELECTRODE_INDEX.has(name) && !others.has(name));

/** The electrodes a derivation's `minus` is the mean of, present or not; none for `plus` as recorded. */
function referenceElectrodes(d: Derivation): readonly string[] {
  if (d.minus === null) return [];
  if (d.minus === AVERAGE_REFERENCE) return EEG_ELECTRODES;
  if (d.minus === LAPLACIAN_REFERENCE) return NEIGHBOURS[d.plus];
  return [d.minus];
}

/**
 * Whether a derivation has no true signal: its electrode absent, or every electrode of its
 * reference (a mean is taken over those present).
 */
const isFlat = (d: Derivation, isAbsent: (name: string) => boolean) => {
  const reference = referenceElectrodes(d);
  return isAbsent(d.plus) || (reference.length > 0 && reference.every(isAbsent));
};

/**
 * The montage's rows that carry no true signal when the `absent` electrodes are missing, flat or
 * marked bad: a derivation with an absent electrode at either end is flat, never drawn as the
 * other electrode's referential signal.
 */
export function flatDerivations(montage: Montage, absent: ReadonlySet<string>, others: OtherChannels = NO_OTHERS): string[] {
  const isAbsent = unusable(absent, others);
  return montage.derivations.filter((d) => isFlat(d, isAbsent)).map((d) => d.label);
}

export function absentRows(kind: MontageKind, absent: ReadonlySet<string>): string[] {
  return flatDerivations(ofKind(kind), absent);
}

/**
 * The channels each row of the montage is computed from, by name: both ends of a derivation, a
 * channel's own row, a Laplacian's neighbours (a third or a quarter of each), EKG for the last.
 * The average reference's mean is left out: it spreads one electrode's interpolated gap thinly
 * over every row, which is not worth a mark.
 */
export function derivationSources(montage: Montage): string[][] {
  const ends = (d: Derivation) => [d.plus, ...(d.minus === AVERAGE_REFERENCE ? [] : referenceElectrodes(d))];
  return [...montage.derivations.map(ends), [EKG_CHANNEL]];
}

/** The mean of `electrodes` less the absent ones, sample by sample, in float64 (as numpy's reference takes it). */
function meanOf(data: readonly Float32Array[], electrodes: readonly string[], absent: ReadonlySet<string>): Float64Array {
  const n = data[0].length;
  const present = electrodes.filter((e) => !absent.has(e)).map((e) => ELECTRODE_INDEX.get(e)!);
  const mean = new Float64Array(n);
  for (const e of present) {
    const ch = data[e];
    for (let i = 0; i < n; i++) mean[i] += ch[i];
  }
  for (let i = 0; i < n; i++) mean[i] /= Math.max(1, present.length);
  return mean;
}

/**
 * `data` holds the 19 electrodes then EKG (HMS column order), `others` the file's other channels
 * the montage names, as long. Returns the rows in the montage's order (montageLabels), written
 * into `out` when given (a caller that reuses its buffers), else new arrays; the rows
 * `flatDerivations` names are zeros.
 */
export function deriveMontage(
  montage: Montage,
  data: readonly Float32Array[],
  absent: ReadonlySet<string> = NO_ELECTRODES,
  out: Float32Array[] = montageLabels(montage).map(() => new Float32Array(data[0]?.length ?? 0)),
  others: ReadonlyMap<string, Float32Array> = NO_OTHERS,
): Float32Array[] {
  if (data.length !== EEG_ELECTRODES.length + 1) {
    throw new Error(`a montage needs the 19 electrodes and EKG (20 rows), got ${data.length}`);
  }
  const n = data[0].length;
  // The average is one mean for every row that uses it; a Laplacian's is its electrode's own.
  const average = montage.derivations.some((d) => d.minus === AVERAGE_REFERENCE) ? meanOf(data, EEG_ELECTRODES, absent) : null;
  const signal = (name: string) => (ELECTRODE_INDEX.has(name) ? data[ELECTRODE_INDEX.get(name)!] : others.get(name)!);
  const reference = (d: Derivation): ArrayLike<number> | null => {
    if (d.minus === null) return null;
    if (d.minus === AVERAGE_REFERENCE) return average!;
    if (d.minus === LAPLACIAN_REFERENCE) return meanOf(data, NEIGHBOURS[d.plus], absent);
    return signal(d.minus);
  };
  const isAbsent = unusable(absent, others);
  montage.derivations.forEach((d, row) => {
    const y = out[row];
    if (isFlat(d, isAbsent)) {
      y.fill(0);
      return;
    }
    const x = signal(d.plus);
    const r = reference(d);
    if (r) for (let i = 0; i < n; i++) y[i] = x[i] - r[i];
    else y.set(x);
  });
  out[montage.derivations.length].set(data[EEG_ELECTRODES.length]);
  return out;
}

export function applyMontage(kind: MontageKind, data: readonly Float32Array[], absent: ReadonlySet<string> = NO_ELECTRODES, out?: Float32Array[]): Float32Array[] {
  return deriveMontage(ofKind(kind), data, absent, out);
}

/** Rows a montage may have: more than the 19 electrodes' chains, few enough to draw. */
const MAX_DERIVATIONS = 64;
const MAX_NAME = 40;

/** A montage from outside (a request, a settings file): returned as a clean copy, or refused in one line naming what is wrong. */
export function checkMontage(value: unknown): Montage {
  const name = fieldOf(value, 'name');
  if (typeof name !== 'string' || !name.trim() || name.length > MAX_NAME) throw new Error(`a montage needs a name of 1 to ${MAX_NAME} characters`);
  const rows = fieldOf(value, 'derivations');
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_DERIVATIONS) throw new Error(`montage "${name}" needs 1 to ${MAX_DERIVATIONS} rows`);
  const derivations = rows.map((row, i) => checkDerivation(row, `montage "${name}" row ${i + 1}`));
  const labels = new Set(derivations.map((d) => d.label));
  if (labels.size !== derivations.length || labels.has(EKG_CHANNEL)) throw new Error(`montage "${name}" has two rows of one label, or one named ${EKG_CHANNEL}`);
  return { name, derivations };
}

function checkDerivation(row: unknown, where: string): Derivation {
  const label = fieldOf(row, 'label');
  const plus = fieldOf(row, 'plus');
  const minus = fieldOf(row, 'minus');
  if (typeof label !== 'string' || !label.trim() || label.length > MAX_NAME) throw new Error(`${where}: a label of 1 to ${MAX_NAME} characters is needed`);
  if (!isChannelName(plus)) throw new Error(`${where}: "${String(plus)}" is not a channel name (1 to ${MAX_NAME} characters, not ${EKG_CHANNEL})`);
  if (minus !== null && minus !== AVERAGE_REFERENCE && minus !== LAPLACIAN_REFERENCE && (!isChannelName(minus) || minus === plus)) {
    throw new Error(`${where}: the reference must be another channel, ${AVERAGE_REFERENCE}, ${LAPLACIAN_REFERENCE} or none`);
  }
  // The Laplacian's neighbours are those of the 10-20 layout.
  if (minus === LAPLACIAN_REFERENCE && !ELECTRODE_INDEX.has(plus)) throw new Error(`${where}: a Laplacian row needs one of ${EEG_ELECTRODES.join(' ')}`);
  const gain = fieldOf(row, 'gain');
  if (gain !== undefined && !ROW_GAINS.includes(gain as number)) throw new Error(`${where}: the gain must be one of ${ROW_GAINS.join(', ')}`);
  return { label, plus, minus: minus as string | null, ...(gain === undefined || gain === 1 ? {} : { gain: gain as number }) };
}

/** A channel a row may name, or a reader may mark bad: one of the 19 electrodes or another of a file's (EKG is every montage's last row already). */
export const isChannelName = (name: unknown): name is string =>
  typeof name === 'string' &&
  name.trim() === name &&
  name.length > 0 &&
  name.length <= MAX_NAME &&
  name !== EKG_CHANNEL &&
  name !== AVERAGE_REFERENCE &&
  name !== LAPLACIAN_REFERENCE;

/** Channels a reader may mark bad on one recording: more than any file has. */
export const MAX_BAD_CHANNELS = 128;

/** A reader's bad channels as a request or a settings file gives them: the one rule both are checked by. */
export const isBadChannelList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_BAD_CHANNELS && v.every(isChannelName);

const fieldOf = (r: unknown, k: string): unknown => (typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[k] : undefined);
