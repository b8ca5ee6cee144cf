/**
 * A patient's traits: what makes one person's recordings resemble each other and differ from
 * another's (background amplitude, spectral slope, alpha, EKG, artifact habits, the bed's mains,
 * the shape of their discharges). Each is drawn from its range at the dataset's variety (ranges.ts).
 */
import { EEG_ELECTRODES } from '../../core/eeg';
import type { Random } from '../../core/random';
import { PATIENT as R, RECORDING_RATES } from './ranges';
import { DEFAULT_VARIETY, draw, happens } from './variety';

/** A discharge's phases (patterns.ts): lead and after-wave amplitudes against the sharp phase, and widths (s). */
export interface DischargeShape {
  lead: number;
  after: number;
  spikeSec: number;
  afterSec: number;
}

export interface Patient {
  id: string;
  /** The variety the patient was drawn at; their recordings draw at it too. */
  variety: number;
  backgroundUv: number;
  slope: number;
  alphaHz: number;
  alphaUv: number;
  heartRateBpm: number;
  ekgUv: number;
  ekgLeak: number;
  blinksPerMin: number;
  muscleBurstsPerMin: number;
  mainsHz: 50 | 60;
  mainsChance: number;
  dcOffsetsUv: number[];
  badElectrodeChance: number;
  electrodeNoiseUv: number;
  electrodePopsPerMin: number;
  /** The side this patient's lateralised patterns favour; lesions do not move. */
  side: 'left' | 'right';
  /** The patient's own way of showing each pattern: discharge rate and shape, delta frequency and sharpness. */
  periodicHz: number;
  discharge: DischargeShape;
  deltaHz: number;
  deltaHarmonic: number;
}

export function makePatient(rng: Random, id: string, variety = DEFAULT_VARIETY): Patient {
  const d = (span: (typeof R)[keyof typeof R]) => draw(rng, span, variety);
  return {
    id,
    variety,
    backgroundUv: d(R.backgroundUv),
    slope: d(R.slope),
    alphaHz: d(R.alphaHz),
    alphaUv: happens(rng, RECORDING_RATES.noAlpha, variety) ? 0 : d(R.alphaUv),
    heartRateBpm: d(R.heartRateBpm),
    // EKG standard deviation from 80 to 3,000 µV (docs/ARCHITECTURE.md §5.5), log-uniform.
    ekgUv: d(R.ekgUv),
    ekgLeak: d(R.ekgLeak),
    blinksPerMin: happens(rng, RECORDING_RATES.blinky, variety) ? d(R.manyBlinksPerMin) : d(R.fewBlinksPerMin),
    muscleBurstsPerMin: d(R.muscleBurstsPerMin),
    mainsHz: happens(rng, RECORDING_RATES.mains50Hz, variety) ? 50 : 60,
    mainsChance: d(R.mainsChance),
    dcOffsetsUv: EEG_ELECTRODES.map(() => d(R.dcOffsetUv)),
    badElectrodeChance: d(R.badElectrodeChance),
    electrodeNoiseUv: d(R.electrodeNoiseUv),
    electrodePopsPerMin: d(R.electrodePopsPerMin),
    side: rng.chance(0.5) ? 'left' : 'right',
    periodicHz: d(R.periodicHz),
    discharge: { lead: d(R.dischargeLead), after: d(R.dischargeAfter), spikeSec: d(R.dischargeSpikeSec), afterSec: d(R.dischargeAfterSec) },
    deltaHz: d(R.deltaHz),
    deltaHarmonic: d(R.deltaHarmonic),
  };
}
