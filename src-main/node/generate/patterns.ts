/**
 * The six patterns and the truth they imply. A scene is what a recording shows: a main pattern,
 * how clearly (intensity), how lateralised, and possibly a second pattern blended in (an LPD
 * evolving into a seizure, rhythmic delta between lateralised and generalised). The same numbers
 * draw the signal and the true class distribution, so the signal carries the truth.
 */
import { CLASSES, type ClassName } from '../../core/eeg';
import { field } from './head';
import type { Patient } from './patient';
import type { Random } from '../../core/random';
import { SCENE, SCENE_RATES } from './ranges';
import { seizure } from './seizure';
import { periodicDischarges, polymorphicSlowing, rhythmicDelta, superimpose, type Plus } from './waves';
import { draw, happens } from './variety';

type Family = 'seizure' | 'periodic' | 'rhythmic' | 'other';

export interface Component {
  family: Family;
  /** Share of the scene (the main component has 1 − the blend's weight). */
  weight: number;
  /** 0 generalised … 1 lateralised (periodic and rhythmic only). */
  laterality: number;
}

export interface Scene {
  main: ClassName;
  /** How clearly the scene shows its patterns, 0 … 1; unclear scenes lean to "other". */
  intensity: number;
  components: Component[];
  side: 'left' | 'right';
  /** Where a lateralised pattern is strongest. */
  focus: Focus;
  /** The ACNS 2021 "plus" modifier of the main pattern (periodic or rhythmic only), or none. */
  plus: Plus | null;
  /** Amplitude of an independent focus on the other side against the main one; 0 for none (ACNS "bilateral independent"). */
  contralateral: number;
  /** How far a lateralised field reaches, and where and how widely a generalised one shows (head radii). */
  fields: { focalWidth: number; generalY: number; generalWidth: number };
}

export type Focus = 'temporal' | 'parasagittal' | 'frontal' | 'occipital';

/** The centre of each lateralised focus on the left side (x is mirrored for the right). */
const FOCUS_XY: Record<Focus, [number, number]> = { temporal: [-0.85, 0], parasagittal: [-0.45, 0.1], frontal: [-0.5, 0.6], occipital: [-0.35, -0.75] };

/** Class shares of the main pattern, near the real dataset's consensus counts. */
const CLASS_WEIGHTS = [0.17, 0.15, 0.16, 0.16, 0.18, 0.18];

const familyOf = (c: ClassName): Family => (c === 'seizure' ? 'seizure' : c === 'lpd' || c === 'gpd' ? 'periodic' : c === 'lrda' || c === 'grda' ? 'rhythmic' : 'other');

/** Patterns readers confuse each other with, for blended scenes. */
const BLEND_PARTNERS: Record<ClassName, ClassName[]> = {
  seizure: ['lpd', 'lrda', 'gpd'],
  lpd: ['seizure', 'gpd', 'lrda'],
  gpd: ['grda', 'lpd', 'seizure'],
  lrda: ['grda', 'lpd', 'seizure'],
  grda: ['lrda', 'gpd', 'other'],
  other: ['grda', 'lrda', 'lpd'],
};

function lateralityFor(c: ClassName, rng: Random, ambiguous: boolean): number {
  const lateral = c === 'lpd' || c === 'lrda' || c === 'seizure';
  const [lo, hi] = ambiguous ? [0.6, 0.85] : [0.85, 1];
  return lateral ? rng.uniform(lo, hi) : 1 - rng.uniform(lo, hi);
}

/** Clear scenes go to a few raters, ambiguous ones to many (as in the real data). */
export function drawScene(rng: Random, patient: Patient, ambiguous: boolean): Scene {
  const main = CLASSES[rng.weighted(CLASS_WEIGHTS)];
  const components: Component[] = [{ family: familyOf(main), weight: 1, laterality: lateralityFor(main, rng, ambiguous) }];
  if (rng.chance(ambiguous ? 0.65 : 0.12)) {
    const partner = rng.pick(BLEND_PARTNERS[main]);
    const weight = ambiguous ? rng.uniform(0.12, 0.35) : rng.uniform(0.05, 0.2);
    components[0].weight = 1 - weight;
    components.push({ family: familyOf(partner), weight, laterality: lateralityFor(partner, rng, ambiguous) });
  }
  const v = patient.variety;
  const family = familyOf(main);
  const patterned = family === 'periodic' || family === 'rhythmic';
  return {
    main,
    intensity: ambiguous ? rng.uniform(0.55, 0.95) : rng.uniform(0.75, 1),
    components,
    side: rng.chance(0.85) ? patient.side : patient.side === 'left' ? 'right' : 'left',
    focus: drawFocus(rng, v),
    plus: happens(rng, SCENE_RATES.plusModifier, v) && patterned ? rng.pick(PLUS_OF[family]) : null,
    contralateral: happens(rng, SCENE_RATES.bilateralIndependent, v) && patterned ? draw(rng, SCENE.contralateral, v) : 0,
    fields: { focalWidth: draw(rng, SCENE.focalWidth, v), generalY: draw(rng, SCENE.generalY, v), generalWidth: draw(rng, SCENE.generalWidth, v) },
  };
}

/** ACNS 2021: +F and +R modify periodic discharges, +F and +S rhythmic delta. */
const PLUS_OF: Record<'periodic' | 'rhythmic', Plus[]> = { periodic: ['F', 'R'], rhythmic: ['F', 'S'] };

function drawFocus(rng: Random, variety: number): Focus {
  if (happens(rng, SCENE_RATES.otherFocus, variety)) return rng.chance(0.5) ? 'frontal' : 'occipital';
  return happens(rng, SCENE_RATES.temporal, variety) ? 'temporal' : 'parasagittal';
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The true class distribution of a scene (CLASSES order). */
export function truthOf(scene: Scene): number[] {
  const p = [0, 0, 0, 0, 0, 0];
  for (const c of scene.components) {
    const lateral = sigmoid(10 * (c.laterality - 0.5));
    if (c.family === 'seizure') p[0] += c.weight;
    else if (c.family === 'periodic') {
      p[1] += c.weight * lateral;
      p[2] += c.weight * (1 - lateral);
    } else if (c.family === 'rhythmic') {
      p[3] += c.weight * lateral;
      p[4] += c.weight * (1 - lateral);
    } else p[5] += c.weight;
  }
  // A faint pattern is read as "other" by part of the experts.
  const clarity = 0.4 + 0.6 * scene.intensity;
  const out = p.map((v, i) => clarity * v + (i === 5 ? 1 - clarity : 0) + 0.004);
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / total);
}

/** The spatial field of a component: focal on one side (or its mirror), generalised, or between. */
function componentField(scene: Scene, laterality: number, mirrored = false): Float64Array {
  const x = (scene.side === 'left') !== mirrored ? 1 : -1;
  const [fx, fy] = FOCUS_XY[scene.focus];
  const focal = field([fx * x, fy], scene.fields.focalWidth);
  // Generalised patterns are most often frontally predominant, so the frontal chains of the banana show them.
  const general = field([0, scene.fields.generalY], scene.fields.generalWidth);
  return focal.map((f, e) => laterality * f + (1 - laterality) * general[e]);
}

/**
 * Peak amplitude of each family at full strength, for a patient of median background (30 µV).
 * Patterns scale with the patient's background and barely otherwise, so how clearly a pattern
 * stands out of the background is set by the scene's intensity and weights — the same numbers the
 * truth is made of. Experts vote on what they see: two recordings that look alike share a truth.
 */
const PEAK_UV = { periodic: 140, rhythmic: 120, seizure: 195 } as const;
const MEDIAN_BACKGROUND_UV = 30;

/** Adds the scene's patterns to the 19 electrode arrays (µV), in place. */
export function renderScene(rng: Random, patient: Patient, scene: Scene, eeg: Float64Array[]): void {
  const gain = (patient.backgroundUv / MEDIAN_BACKGROUND_UV) * draw(rng, SCENE.gain, patient.variety);
  scene.components.forEach((c, k) => {
    const strength = scene.intensity * (0.35 + 0.65 * c.weight) * gain;
    if (c.family === 'seizure') return seizure(rng, patient, PEAK_UV.seizure * strength, scene.side === 'left' ? -1 : 1, eeg);
    const wave = componentWave(rng, patient, c.family, eeg[0].length, strength);
    if (k === 0 && scene.plus) superimpose(rng, patient, scene.plus, wave, strength * PEAK_UV[c.family === 'rhythmic' ? 'rhythmic' : 'periodic']);
    addField(eeg, componentField(scene, c.laterality), wave);
    // An independent focus on the other side: the same pattern, its own timing, weaker.
    if (scene.contralateral > 0 && c.family !== 'other' && c.laterality > 0.5) {
      const other = componentWave(rng, patient, c.family, eeg[0].length, strength * scene.contralateral);
      addField(eeg, componentField(scene, c.laterality, true), other);
    }
  });
}

function componentWave(rng: Random, patient: Patient, family: Exclude<Component['family'], 'seizure'>, samples: number, strength: number): Float64Array {
  if (family === 'periodic') return periodicDischarges(rng, patient, samples, PEAK_UV.periodic * strength);
  if (family === 'rhythmic') return rhythmicDelta(rng, patient, samples, PEAK_UV.rhythmic * strength);
  return polymorphicSlowing(rng, samples, draw(rng, SCENE.polymorphicUv, patient.variety));
}

function addField(eeg: Float64Array[], fieldOf: Float64Array, wave: Float64Array): void {
  eeg.forEach((ch, e) => {
    const g = fieldOf[e];
    for (let i = 0; i < wave.length; i++) ch[i] += g * wave[i];
  });
}
