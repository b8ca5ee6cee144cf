/**
 * A patient's traits: what makes one person's recordings resemble each other and differ from
 * another's (background amplitude, spectral slope, alpha, EKG, artifact habits, the bed's mains).
 */
import { EEG_ELECTRODES } from '../../core/eeg';
import type { Random } from '../../core/random';

export interface Patient {
  id: string;
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
  /** The side this patient's lateralised patterns favour; lesions do not move. */
  side: 'left' | 'right';
  /** The patient's own way of showing each pattern: discharge rate, delta frequency. */
  periodicHz: number;
  deltaHz: number;
}

export function makePatient(rng: Random, id: string): Patient {
  return {
    id,
    backgroundUv: rng.uniform(18, 45),
    slope: rng.uniform(0.9, 1.6),
    alphaHz: rng.uniform(7.5, 11.5),
    alphaUv: rng.uniform(0, 25),
    heartRateBpm: rng.uniform(55, 110),
    // EKG standard deviation from 80 to 3,000 µV (docs/ARCHITECTURE.md §5.5), log-uniform.
    ekgUv: Math.exp(rng.uniform(Math.log(80), Math.log(3000))),
    ekgLeak: rng.uniform(0, 0.02),
    blinksPerMin: rng.chance(0.5) ? rng.uniform(0, 4) : rng.uniform(4, 20),
    muscleBurstsPerMin: rng.uniform(0, 4),
    mainsHz: rng.chance(0.7) ? 60 : 50,
    mainsChance: rng.uniform(0.2, 0.9),
    dcOffsetsUv: EEG_ELECTRODES.map(() => rng.uniform(-140, 15)),
    badElectrodeChance: rng.uniform(0, 0.25),
    side: rng.chance(0.5) ? 'left' : 'right',
    periodicHz: rng.uniform(0.6, 2.2),
    deltaHz: rng.uniform(1.2, 2.6),
  };
}
