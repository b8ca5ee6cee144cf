/**
 * One patient's share of a generated dataset: its recordings written to disk, its labelled
 * windows returned. Runs in a worker thread; identical for a given task whatever thread runs it.
 */
import { join } from 'node:path';
import { HMS_CHANNELS } from '../../core/eeg';
import { applyMontage } from '../../core/montage';
import { fillMissing } from '../../core/quality';
import { regionSpectrogram, SPECTROGRAM_REGION_NAMES } from '../../core/spectrogram';
import { writeHmsParquet } from '../formats/parquet-write';
import { makePatient } from './patient';
import { drawScene, truthOf } from './patterns';
import { Random } from '../../core/random';
import { drawVotes, raterCount } from './raters';
import { synthesiseRecording } from './recording';

export interface PatientTask {
  out: string;
  split: 'train' | 'test';
  /** Position of this patient in the dataset: makes its ids unique and its draws reproducible. */
  index: number;
  seed: number;
  recordings: number;
  ambiguousShare: number;
  /** How widely the patient's and their recordings' parameters are drawn (variety.ts). */
  variety: number;
}

export interface GeneratedRow {
  eegId: string;
  spectrogramId: string;
  offsetSec: number;
  labelId: string;
  patientId: string;
  votes: number[];
  truth: number[];
}

/**
 * Distinct ids that look like the competition's: n ↦ n·g mod p is a permutation of 1 … p − 1
 * for a prime p, so distinct n give distinct ids, and neighbours do not look alike.
 */
export function uniqueId(n: number, digits: 5 | 9 = 9): string {
  const [prime, g] = digits === 9 ? [899_999_963n, 2_654_435_761n] : [89_989n, 48_271n];
  return String(10 ** (digits - 1) + Number(((BigInt(n) + 1n) * g) % prime));
}

export async function generatePatient(task: PatientTask): Promise<GeneratedRow[]> {
  const rng = new Random(task.seed);
  let nextId = task.index * 1000;
  const id = () => uniqueId(nextId++);
  const patient = makePatient(rng, uniqueId(task.index, 5), task.variety);
  const rows: GeneratedRow[] = [];
  for (let r = 0; r < task.recordings; r++) {
    const ambiguous = rng.chance(task.ambiguousShare);
    const scene = drawScene(rng, patient, ambiguous);
    const truth = truthOf(scene);
    const durationSec = task.split === 'test' ? 50 : 2 * rng.int(25, 90);
    const rec = synthesiseRecording(rng, patient, scene, durationSec, task.split === 'test' ? 0.05 : 0.12);
    const eegId = id();
    const spectrogramId = id();
    await writeHmsParquet(
      join(task.out, `${task.split}_eegs`, `${eegId}.parquet`),
      HMS_CHANNELS.map((name, c) => ({ name, type: 'FLOAT' as const, data: rec.columns[c] })),
    );
    if (task.split === 'train') await writeSpectrogram(join(task.out, 'train_spectrograms', `${spectrogramId}.parquet`), rec.columns);
    const slots = (durationSec - 50) / 2 + 1;
    const windows = task.split === 'test' ? 1 : Math.min(slots, rng.int(1, 6));
    const offsets = new Set<number>();
    while (offsets.size < windows) offsets.add(2 * rng.int(0, slots - 1));
    for (const offsetSec of [...offsets].sort((a, b) => a - b)) {
      rows.push({ eegId, spectrogramId, offsetSec, labelId: id(), patientId: patient.id, votes: drawVotes(rng, truth, raterCount(rng, ambiguous)), truth });
    }
  }
  return rows;
}

async function writeSpectrogram(path: string, columns: Float32Array[]): Promise<void> {
  const spec = regionSpectrogram(applyMontage('bipolar', fillMissing(columns).data), 200);
  await writeHmsParquet(path, [
    { name: 'time', type: 'INT64', data: BigInt64Array.from(spec.timeSec, (t) => BigInt(Math.round(t))) },
    ...SPECTROGRAM_REGION_NAMES.flatMap((region, g) => spec.frequenciesHz.map((f, b) => ({ name: `${region}_${f.toFixed(2)}`, type: 'FLOAT' as const, data: spec.power[g][b] }))),
  ]);
}
