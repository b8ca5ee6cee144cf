/**
 * The ranges every generated parameter is drawn from (variety.ts: `at1` is the default, `at2` the
 * widest). The variety-2 ends follow what clinical EEG shows, cited in words; the variety-1 ranges
 * are the generator's long-standing ones, so the default set, and the demo trained on it, keep
 * their character.
 */
import { rateAt, type Rate, type Span, spanAt } from './variety';

/** A patient's background and body (patient.ts, background.ts). */
export const PATIENT = {
  /** HMS files: referential std 20–60 µV (docs/ARCHITECTURE.md §5.5); ICU backgrounds run from low-voltage (~10 µV) to high-voltage slowing. */
  backgroundUv: { at1: [18, 45], at2: [10, 75] },
  /** Power ∝ 1/f^slope. Real HMS files measure −0.4 … −1.5; encephalopathy and sleep steepen it towards −2. */
  slope: { at1: [0.9, 1.6], at2: [0.4, 2.1] },
  /** Posterior dominant rhythm: 8–13 Hz in health, slowed into theta (5–7 Hz) by encephalopathy (ACNS 2021, background terms). */
  alphaHz: { at1: [7.5, 11.5], at2: [5.5, 13] },
  alphaUv: { at1: [0, 25], at2: [0, 50] },
  heartRateBpm: { at1: [55, 110], at2: [40, 150] },
  /** EKG std 80–3,000 µV in the real files: already as wide as they show. */
  ekgUv: { at1: [80, 3000], at2: [80, 3000], log: true },
  ekgLeak: { at1: [0, 0.02], at2: [0, 0.06] },
  /** Half the patients blink rarely, half often; drowsy or agitated patients blink up to ~30 a minute. */
  fewBlinksPerMin: { at1: [0, 4], at2: [0, 6] },
  manyBlinksPerMin: { at1: [4, 20], at2: [4, 35] },
  muscleBurstsPerMin: { at1: [0, 4], at2: [0, 12] },
  /** Share of this patient's recordings with mains hum. */
  mainsChance: { at1: [0.2, 0.9], at2: [0.05, 1] },
  /** Electrode DC offsets: −140 … +15 µV in HMS files; other DC-coupled amplifiers sit hundreds of µV off. */
  dcOffsetUv: { at1: [-140, 15], at2: [-300, 100] },
  badElectrodeChance: { at1: [0, 0.25], at2: [0, 0.5] },
  /** Electrode and amplifier noise (µV rms, white): 1–2 µV for good contacts, up to ~10 for dried ICU electrodes. */
  electrodeNoiseUv: { at1: [0, 2], at2: [0, 12] },
  electrodePopsPerMin: { at1: [0, 0.5], at2: [0, 4] },
  /** A patient's discharges are stereotyped: ACNS 2021 PDs last ≤ 0.5 s with 1–3 (or more) phases. */
  dischargeLead: { at1: [0.1, 0.4], at2: [0, 0.6] },
  /** The after-wave: near 0 a monophasic spike, ~0.5 biphasic, up to 1 the positive-dominant triphasic wave of metabolic encephalopathy. */
  dischargeAfter: { at1: [0.3, 0.6], at2: [0.05, 1] },
  /**
   * Width (s, Gaussian σ; the wave lasts ~4σ) of the sharp phase: spikes 20–70 ms, sharp waves
   * 70–200 ms (IFCN glossary, as ACNS 2021 uses it). Narrower than σ 11 ms, a spike would vanish under the
   * 20 Hz low-pass the models read through.
   */
  dischargeSpikeSec: { at1: [0.016, 0.025], at2: [0.011, 0.05] },
  dischargeAfterSec: { at1: [0.055, 0.09], at2: [0.04, 0.15] },
  /** ACNS 2021 charts PD frequency from < 0.5 to > 3 Hz; discharges averaging > 2.5 Hz for ≥ 10 s already make an electrographic seizure, so the range stops at 3. */
  periodicHz: { at1: [0.6, 2.2], at2: [0.4, 3] },
  /** ACNS 2021: rhythmic delta activity is ≤ 4 Hz; RDA of 0.5–1 Hz is common in coma. */
  deltaHz: { at1: [1.2, 2.6], at2: [0.5, 3.8] },
  /** The second harmonic that sharpens rhythmic delta (notched, sawtooth-like waves). */
  deltaHarmonic: { at1: [0.2, 0.3], at2: [0, 0.6] },
} satisfies Record<string, Span>;

/** A scene's look: where, how and with what a pattern shows (patterns.ts). */
export const SCENE = {
  /** Recording-to-recording change of a patient's rates (ACNS: a pattern's frequency drifts between epochs). */
  rateJitter: { at1: [0.85, 1.15], at2: [0.7, 1.3] },
  /** Discharge-to-discharge interval change; ACNS 2021 calls a pattern periodic while consecutive intervals mostly differ by < 50%. */
  intervalJitter: { at1: [0.1, 0.1], at2: [0.05, 0.3] },
  /** Recording-to-recording amplitude of a pattern against its patient's background; kept narrow so a pattern's clarity stays its truth's. */
  gain: { at1: [0.92, 1.08], at2: [0.8, 1.25] },
  /** Spatial extent (head radii) of a lateralised field: one region up to a hemisphere. */
  focalWidth: { at1: [0.34, 0.42], at2: [0.26, 0.58] },
  /** Where a generalised pattern peaks front to back: frontally predominant (FIRDA, triphasic GPDs) down to posterior (OIRDA). */
  generalY: { at1: [0.7, 0.8], at2: [-0.2, 0.85] },
  generalWidth: { at1: [0.65, 0.75], at2: [0.55, 0.95] },
  /** Waxing and waning of rhythmic delta: period (s) and depth. */
  waxSec: { at1: [6, 12], at2: [3, 20] },
  waxDepth: { at1: [0.2, 0.3], at2: [0.05, 0.5] },
  /** Amplitude of the other side's independent discharges, against the main side's (ACNS "bilateral independent"). */
  contralateral: { at1: [0.3, 0.5], at2: [0.25, 0.65] },
  polymorphicUv: { at1: [5, 20], at2: [2, 40] },
  /** Amplitude of an ACNS "plus" modifier's superimposed activity against the pattern's own. */
  plusShare: { at1: [0.2, 0.35], at2: [0.15, 0.5] },
} satisfies Record<string, Span>;

/** Chances per scene. */
export const SCENE_RATES = {
  /** A lateralised periodic or rhythmic pattern with an independent, weaker focus on the other side. */
  bilateralIndependent: [0, 0.05, 0.25],
  /** ACNS 2021 plus modifiers: +F (fast), +R (rhythmic, for PDs), +S (sharp, for RDA). */
  plusModifier: [0, 0.1, 0.35],
  /** A lateralised focus away from the temporal and parasagittal regions (frontal or occipital). */
  otherFocus: [0, 0, 0.3],
  /** Temporal (else parasagittal) among the two usual foci. */
  temporal: [1, 0.6, 0.55],
} satisfies Record<string, Rate>;

/**
 * A seizure (ACNS 2021: ≥ 10 s of rhythmic activity > 2.5 Hz, or any rhythm that evolves in
 * frequency, morphology or location): its onset rhythm, where it ends, how fast it evolves, where it
 * starts and how far it spreads.
 */
export const SEIZURE = {
  /** Onset from rhythmic theta to the fast, low-voltage alpha/beta of some focal onsets. */
  onsetHz: { at1: [4, 7], at2: [3, 12] },
  endHz: { at1: [1.8, 3], at2: [1.2, 4] },
  evolutionSec: { at1: [50, 70], at2: [25, 120] },
  /** The onset zone, lateral (x) and front to back (y), on the unit head. */
  onsetX: { at1: [0.7, 0.9], at2: [0.3, 1] },
  onsetY: { at1: [0, 0.2], at2: [-0.7, 0.7] },
  spreadWidth: { at1: [0.55, 0.65], at2: [0.45, 1] },
  spikeSharpness: { at1: [1.3, 1.7], at2: [0.7, 2.5] },
  /** Share of the rhythmic wave under the spikes: low for spike-and-wave, high for a smooth ictal rhythm. */
  sineShare: { at1: [0.4, 0.6], at2: [0.2, 1] },
} satisfies Record<string, Span>;

/** Per-recording artifacts and recording conditions (background.ts). */
export const RECORDING = {
  blinkUv: { at1: [80, 200], at2: [50, 300] },
  muscleUv: { at1: [10, 40], at2: [5, 90] },
  /** Mains hum peak: from a trace of it to most of the raw power (docs/ARCHITECTURE.md §5.5). */
  mainsUv: { at1: [5, 150], at2: [2, 300] },
  /** Slow DC drift over a recording (µV end to end). */
  driftUv: { at1: [-10, 10], at2: [-80, 80] },
  badNoiseUv: { at1: [100, 180], at2: [60, 300] },
  popUv: { at1: [80, 200], at2: [40, 400] },
  /** Amplifier gain against nominal: a miscalibrated or different amplifier scales every channel. */
  gain: { at1: [0.95, 1.05], at2: [0.75, 1.35] },
  chewingHz: { at1: [1, 2], at2: [0.8, 2.5] },
  spindleHz: { at1: [12, 14], at2: [11, 15] },
} satisfies Record<string, Span>;

export const RECORDING_RATES = {
  /** HMS recordings are North American (60 Hz); a model used elsewhere meets 50 Hz. */
  mains50Hz: [0, 0.3, 0.5],
  /** Chewing: rhythmic temporal muscle bursts at 1–2 Hz. */
  chewing: [0, 0.05, 0.25],
  /** A sleep-like state: no alpha, more delta, spindles and vertex waves (ICU patients sleep and are sedated). */
  sleep: [0, 0.08, 0.3],
  /** A patient without a posterior dominant rhythm at all, common in the ICU. */
  noAlpha: [0, 0, 0.3],
  /** Share of patients who blink often (else rarely). */
  blinky: [0.5, 0.5, 0.5],
} satisfies Record<string, Rate>;

export type ResolvedRanges = Record<string, Record<string, [number, number] | number>>;

/** Every range and chance at `variety`, rounded for reading: a dataset's summary records them. */
export function rangesAt(variety: number): ResolvedRanges {
  const round = (x: number) => Number(x.toPrecision(3));
  const spans = (table: Record<string, Span>) => Object.fromEntries(Object.entries(table).map(([k, s]) => [k, spanAt(s, variety).map(round) as [number, number]]));
  const rates = (table: Record<string, Rate>) => Object.fromEntries(Object.entries(table).map(([k, r]) => [k, round(rateAt(r, variety))]));
  return {
    patient: spans(PATIENT),
    scene: { ...spans(SCENE), ...rates(SCENE_RATES) },
    seizure: spans(SEIZURE),
    recording: { ...spans(RECORDING), ...rates(RECORDING_RATES) },
  };
}
