/**
 * The built-in dataset keeps the statistics of real HMS data (docs/ARCHITECTURE.md §5.5), every
 * class carries its signature, the files read back through our readers, and its floor is a real
 * bound.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES, HMS_CHANNELS, HMS_SAMPLE_RATE_HZ as FS, WINDOW_SAMPLES } from '../../core/eeg';
import { labelledWindows } from '../../core/dataset';
import { applyMontage } from '../../core/montage';
import { classPrior, klDivergence, normaliseVotes } from '../../core/metrics';
import { fillMissing } from '../../core/quality';
import { filterChannels } from '../../core/filters';
import { powerSpectrum } from '../../core/fft';
import { regionSpectrogram } from '../../core/spectrogram';
import { readCsv, columnReader } from '../formats/csv';
import { openHmsFolder } from '../formats/hms-folder';
import { readHmsEegParquet, readHmsSpectrogramParquet } from '../formats/parquet';
import { generateDataset, type GenerateSummary } from './dataset';
import { uniqueId } from './patient-task';
import { drawScene, renderScene, truthOf, type Scene } from './patterns';
import { makePatient } from './patient';
import { Random } from '../../core/random';
import { raterCount as raterCountFor } from './raters';
import { background } from './background';

let dir: string;
let summary: GenerateSummary;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-gen-'));
  summary = await generateDataset({ out: join(dir, 'a'), patients: 10, recordings: 3, testRecordings: 6, seed: 7 });
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const std = (x: ArrayLike<number>) => {
  let s = 0;
  let q = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i];
    q += x[i] * x[i];
  }
  const m = s / x.length;
  return Math.sqrt(q / x.length - m * m);
};
const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length;

describe('the generated folder', () => {
  it('is a complete HMS folder that our readers open', async () => {
    const folder = await openHmsFolder(join(dir, 'a'));
    expect(folder.train!.length).toBe(summary.windows);
    expect(folder.test).toHaveLength(6);
    const files = await readdir(join(dir, 'a'));
    for (const f of ['train.csv', 'test.csv', 'sample_submission.csv', 'truth.csv', 'test_truth.csv', 'summary.json', 'train_eegs', 'test_eegs', 'train_spectrograms'])
      expect(files).toContain(f);
    const windows = labelledWindows(folder.train!);
    // Several windows per recording at different offsets, all inside the recording.
    expect(new Set(windows.map((w) => w.eegId)).size).toBeLessThan(windows.length);
    for (const w of windows.slice(0, 12)) {
      const rec = await readHmsEegParquet(join(dir, 'a', 'train_eegs', `${w.eegId}.parquet`));
      expect(rec.channels).toEqual(HMS_CHANNELS);
      expect(w.startSample + WINDOW_SAMPLES).toBeLessThanOrEqual(rec.data[0].length);
    }
    for (const t of folder.test!) expect((await readHmsEegParquet(join(dir, 'a', 'test_eegs', `${t.eegId}.parquet`))).data[0].length).toBe(WINDOW_SAMPLES);
    const spec = await readHmsSpectrogramParquet(join(dir, 'a', 'train_spectrograms', `${folder.train![0].spectrogramId}.parquet`));
    expect(spec.frequenciesHz[0]).toBeCloseTo(0.59, 2);
    expect(spec.frequenciesHz[99]).toBeCloseTo(19.92, 2);
    expect(spec.power).toHaveLength(4);
    const written = JSON.parse(await readFile(join(dir, 'a', 'summary.json'), 'utf8'));
    expect(written).toMatchObject({ floorKL: summary.floorKL, priorKL: summary.priorKL, windows: summary.windows, patients: 10 });
  });

  it('gives every recording, window and patient an id of its own', () => {
    const nine = new Set(Array.from({ length: 100_000 }, (_, n) => uniqueId(n)));
    expect(nine.size).toBe(100_000);
    expect([...nine].every((id) => /^[1-9]\d{8}$/.test(id))).toBe(true);
    const five = new Set(Array.from({ length: 50_000 }, (_, n) => uniqueId(n, 5)));
    expect(five.size).toBe(50_000);
  });

  it('is the same for the same seed, byte for byte', async () => {
    await generateDataset({ out: join(dir, 'b'), patients: 10, recordings: 3, testRecordings: 6, seed: 7 });
    const hash = async (f: string) =>
      createHash('sha1')
        .update(await readFile(f))
        .digest('hex');
    for (const f of ['train.csv', 'truth.csv', 'test_truth.csv']) expect(await hash(join(dir, 'b', f))).toBe(await hash(join(dir, 'a', f)));
    const eeg = (await readdir(join(dir, 'a', 'train_eegs')))[3];
    expect(await hash(join(dir, 'b', 'train_eegs', eeg))).toBe(await hash(join(dir, 'a', 'train_eegs', eeg)));
  });
});

describe('statistics of real HMS data', () => {
  it('referential amplitude, DC offsets, bipolar amplitude and EKG range', async () => {
    const names = (await readdir(join(dir, 'a', 'train_eegs'))).slice(0, 10);
    const refStd: number[] = [];
    const dc: number[] = [];
    const bipolarStd: number[] = [];
    const ekgStd: number[] = [];
    for (const n of names) {
      const rec = await readHmsEegParquet(join(dir, 'a', 'train_eegs', n));
      const filled = fillMissing(rec.data).data;
      for (let e = 0; e < 19; e++) {
        refStd.push(std(filled[e]));
        dc.push(mean(filled[e]));
      }
      ekgStd.push(std(filled[19]));
      applyMontage('bipolar', filled)
        .slice(0, 18)
        .forEach((ch) => bipolarStd.push(std(ch)));
    }
    const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
    expect(median(refStd)).toBeGreaterThan(15);
    expect(median(refStd)).toBeLessThan(90);
    expect(Math.min(...dc)).toBeGreaterThan(-200);
    expect(Math.max(...dc)).toBeLessThan(60);
    expect(median(bipolarStd)).toBeGreaterThan(12);
    expect(median(bipolarStd)).toBeLessThan(70);
    expect(Math.min(...ekgStd)).toBeGreaterThan(40);
    expect(Math.max(...ekgStd)).toBeLessThan(4000);
  });

  it('mains hum is common and sometimes holds most of the raw power', async () => {
    const names = await readdir(join(dir, 'a', 'train_eegs'));
    const fractions: number[] = [];
    for (const n of names) {
      const rec = await readHmsEegParquet(join(dir, 'a', 'train_eegs', n));
      const x = fillMissing([rec.data[HMS_CHANNELS.indexOf('C3')]]).data[0];
      const p = averageSpectrum(x);
      const total = p.slice(1).reduce((a, b) => a + b, 0);
      const near = (hz: number) => p.slice(Math.round((hz * 1024) / FS) - 3, Math.round((hz * 1024) / FS) + 4).reduce((a, b) => a + b, 0);
      fractions.push(Math.max(near(50), near(60)) / total);
    }
    expect(fractions.filter((f) => f > 0.01).length / fractions.length).toBeGreaterThan(0.3);
    expect(Math.max(...fractions)).toBeGreaterThan(0.5);
  });

  it('spectrogram files hold what the EEG beside them shows', async () => {
    const rows = (await openHmsFolder(join(dir, 'a'))).train!;
    const rec = await readHmsEegParquet(join(dir, 'a', 'train_eegs', `${rows[0].eegId}.parquet`));
    const stored = await readHmsSpectrogramParquet(join(dir, 'a', 'train_spectrograms', `${rows[0].spectrogramId}.parquet`));
    const again = regionSpectrogram(applyMontage('bipolar', fillMissing(rec.data).data), FS);
    expect(stored.timeSec.length).toBe(again.timeSec.length);
    for (const [g, b, r] of [
      [0, 10, 3],
      [3, 50, 7],
      [2, 99, 1],
    ]) {
      expect(stored.power[g][b][r]).toBeCloseTo(again.power[g][b][r], 2);
    }
  });

  it('a delta-dominant background with a negative spectral slope', () => {
    const rng = new Random(3);
    const rec = backgroundOnly(rng);
    const p = averageSpectrum(rec[9]);
    // log-log slope between 2 and 30 Hz
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 10; k <= 150; k++) {
      xs.push(Math.log((k * FS) / 1024));
      ys.push(Math.log(p[k]));
    }
    const mx = mean(xs);
    const my = mean(ys);
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeLessThan(-0.4);
    expect(slope).toBeGreaterThan(-2.5);
  });

  it('votes: bimodal raters, entropy ≈ 0.2 below 10 raters and ≈ 0.7 from 10, prior KL 1.0–1.4', () => {
    // Over a large draw of scenes (no signals), the calibration holds.
    expect(summary.train.entropyBelow10).toBeGreaterThan(0.05);
    expect(summary.train.entropyBelow10).toBeLessThan(0.4);
    const big = sceneStatistics(3000);
    expect(big.entropyBelow10).toBeGreaterThan(0.12);
    expect(big.entropyBelow10).toBeLessThan(0.3);
    expect(big.entropyFrom10).toBeGreaterThan(0.55);
    expect(big.entropyFrom10).toBeLessThan(0.85);
    expect(big.priorKL).toBeGreaterThan(1.0);
    expect(big.priorKL).toBeLessThan(1.5);
    expect(big.sevenToNine).toBeLessThan(0.01);
    expect(big.fewShare).toBeGreaterThan(0.5);
  });
});

describe('every class carries its signature', () => {
  const rng = new Random(11);
  const patient = makePatient(rng, '1');
  const scene = (main: Scene['main'], family: Scene['components'][0]['family'], laterality: number): Scene => ({
    main,
    intensity: 1,
    components: [{ family, weight: 1, laterality }],
    side: 'left',
    focus: 'temporal',
    plus: null,
    contralateral: 0,
    fields: { focalWidth: 0.38, generalY: 0.75, generalWidth: 0.7 },
  });
  const render = (s: Scene) => {
    const eeg = Array.from({ length: 19 }, () => new Float64Array(WINDOW_SAMPLES));
    renderScene(rng, patient, s, eeg);
    return eeg;
  };
  const bandPower = (x: Float64Array, lo: number, hi: number) => {
    const p = averageSpectrum(x);
    let s = 0;
    for (let k = Math.ceil((lo * 1024) / FS); k <= Math.floor((hi * 1024) / FS); k++) s += p[k];
    return s;
  };
  const T3 = HMS_CHANNELS.indexOf('T3');
  const T4 = HMS_CHANNELS.indexOf('T4');
  const Fz = HMS_CHANNELS.indexOf('Fz');

  it('LPD/GPD repeat at 0.5–2.5 Hz', () => {
    for (const s of [scene('lpd', 'periodic', 1), scene('gpd', 'periodic', 0)]) {
      const x = render(s)[s.main === 'lpd' ? T3 : Fz];
      const period = dominantPeriodSec(x);
      expect(1 / period).toBeGreaterThanOrEqual(0.45);
      expect(1 / period).toBeLessThanOrEqual(2.6);
    }
  });

  it('LRDA/GRDA put their power in 1–3 Hz delta', () => {
    for (const s of [scene('lrda', 'rhythmic', 1), scene('grda', 'rhythmic', 0)]) {
      const x = render(s)[s.main === 'lrda' ? T3 : Fz];
      expect(bandPower(x, 0.8, 3.2) / bandPower(x, 0.5, 30)).toBeGreaterThan(0.7);
    }
  });

  it('L* patterns are one-sided, G* patterns are not', () => {
    const lateral = render(scene('lrda', 'rhythmic', 1));
    const general = render(scene('grda', 'rhythmic', 0));
    expect(std(lateral[T3]) / std(lateral[T4])).toBeGreaterThan(5);
    expect(std(general[T3]) / std(general[T4])).toBeGreaterThan(0.8);
    expect(std(general[T3]) / std(general[T4])).toBeLessThan(1.25);
  });

  it('a seizure evolves: its rhythm slows and grows over the recording', () => {
    const eeg = Array.from({ length: 19 }, () => new Float64Array(60 * FS));
    renderScene(rng, patient, scene('seizure', 'seizure', 1), eeg);
    const early = eeg[T3].subarray(0, 10 * FS);
    const late = eeg[T3].subarray(50 * FS);
    expect(std(late)).toBeGreaterThan(1.5 * std(early));
    expect(peakHz(late)).toBeLessThan(peakHz(early));
  });

  it('the truth follows the scene: lateralisation moves mass from G* to L*', () => {
    const truthAt = (laterality: number) => truthOf(scene('lrda', 'rhythmic', laterality));
    expect(truthAt(0.9)[3]).toBeGreaterThan(0.8);
    expect(truthAt(0.1)[4]).toBeGreaterThan(0.8);
    expect(Math.abs(truthAt(0.5)[3] - truthAt(0.5)[4])).toBeLessThan(0.01);
    const faint = truthOf({ ...scene('lpd', 'periodic', 1), intensity: 0.2 });
    expect(faint[5]).toBeGreaterThan(0.3);
  });

  it('the signal shows the truth: a pattern stands out of any patient background as clearly as its intensity says', () => {
    const standsOut = (intensity: number, backgroundUv: number) => {
      const eeg = Array.from({ length: 19 }, () => new Float64Array(WINDOW_SAMPLES));
      renderScene(rng, { ...patient, backgroundUv }, { ...scene('lrda', 'rhythmic', 1), intensity }, eeg);
      return std(eeg[T3]) / backgroundUv;
    };
    // Patients with a quiet and a loud background: the same scene stands out alike (±20%).
    for (const intensity of [0.6, 1]) expect(Math.abs(standsOut(intensity, 18) / standsOut(intensity, 45) - 1)).toBeLessThan(0.2);
    // A fainter scene (more "other" in its truth) stands out less, on every background.
    expect(standsOut(0.6, 45)).toBeLessThan(0.8 * standsOut(1, 18));
  });
});

describe('the floor is a real bound', () => {
  it('predicting the truth scores the floor; predicting the prior scores the prior KL', async () => {
    const table = await readCsv(join(dir, 'a', 'truth.csv'));
    const col = columnReader(table, ['label_id', ...CLASSES]);
    const truth = new Map(table.rows.map((_, i) => [col.text(i, 'label_id'), CLASSES.map((c) => col.number(i, c))]));
    const rows = (await openHmsFolder(join(dir, 'a'))).train!;
    const targets = rows.map((r) => normaliseVotes(r.votes));
    expect(
      klDivergence(
        targets,
        rows.map((r) => truth.get(r.labelId)!),
      ),
    ).toBeCloseTo(summary.floorKL, 4);
    const prior = classPrior(targets);
    expect(
      klDivergence(
        targets,
        rows.map(() => prior),
      ),
    ).toBeCloseTo(summary.priorKL, 10);
    expect(summary.floorKL).toBeLessThan(summary.priorKL / 3);
  });
});

function backgroundOnly(rng: Random): Float32Array[] {
  const eeg = background(rng, makePatient(rng, '2'), 60 * FS);
  return applyMontage('bipolar', [...eeg.map((e) => Float32Array.from(e)), new Float32Array(eeg[0].length)]);
}

function averageSpectrum(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(513);
  let n = 0;
  for (let start = 0; start + 1024 <= x.length; start += 512, n++) {
    const p = powerSpectrum(
      Array.from({ length: 1024 }, (_, i) => x[start + i]),
      1024,
    );
    for (let k = 0; k <= 512; k++) out[k] += p[k];
  }
  return out.map((v) => v / n);
}

function peakHz(x: ArrayLike<number>): number {
  const p = averageSpectrum(filterChannels([Float32Array.from(x)], { highpassHz: 1, lowpassHz: 20 }, FS)[0]);
  let best = 6;
  for (let k = 6; k < 100; k++) if (p[k] > p[best]) best = k;
  return (best * FS) / 1024;
}

/** The period (s) at which a signal best matches itself, searched over 0.35–2.2 s. */
function dominantPeriodSec(x: Float64Array): number {
  let best = 0;
  let bestLag = 0;
  for (let lag = Math.round(0.35 * FS); lag <= 2.2 * FS; lag++) {
    let s = 0;
    for (let i = 0; i + lag < x.length; i++) s += x[i] * x[i + lag];
    if (s > best) {
      best = s;
      bestLag = lag;
    }
  }
  return bestLag / FS;
}

function sceneStatistics(recordings: number) {
  const rng = new Random(99);
  const rows: { t: number[]; n: number }[] = [];
  for (let r = 0; r < recordings; r++) {
    const patient = makePatient(rng, 'x');
    const ambiguous = rng.chance(0.37);
    const truth = truthOf(drawScene(rng, patient, ambiguous));
    const n = raterCountFor(rng, ambiguous);
    const votes = truth.map(() => 0);
    for (let k = 0; k < n; k++) votes[rng.weighted(truth)]++;
    rows.push({ t: normaliseVotes(votes), n });
  }
  const prior = classPrior(rows.map((r) => r.t));
  const entropyOf = (t: number[]) => t.reduce((h, v) => (v > 0 ? h - v * Math.log(v) : h), 0);
  const few = rows.filter((r) => r.n < 10);
  const many = rows.filter((r) => r.n >= 10);
  return {
    entropyBelow10: mean(few.map((r) => entropyOf(r.t))),
    entropyFrom10: mean(many.map((r) => entropyOf(r.t))),
    priorKL: klDivergence(
      rows.map((r) => r.t),
      rows.map(() => prior),
    ),
    sevenToNine: rows.filter((r) => r.n >= 7 && r.n <= 9).length / rows.length,
    fewShare: rows.filter((r) => r.n <= 3).length / rows.length,
  };
}
