/**
 * Day-long clinical EDF (issue #15): a 24-h and a 72-h 19-channel 256-Hz EDF+C written to a temp
 * folder, and an EDF+D of two 4-minute stretches 74 hours apart; each opened in the viewer (info
 * and a page: `OpenMs`), drawn as a spectrogram overview, and classified into a 10-s-stride
 * timeline with the default model (random weights: speed does not depend on them), in a child
 * process whose peak RSS is reported. Numbers, never pass/fail; the goals are under 1 s to open
 * and ≤ 30 s and ≤ 1 GB for the day's timeline.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HMS_CHANNELS } from '../../core/eeg';
import { DEFAULT_MODEL } from '../../core/model-zoo';
import { PREPROCESS_PRESETS } from '../../core/model-info';
import { Random } from '../../core/random';
import { encodeEdf, writeEdfStreamed } from '../formats/edf-write';
import { exportOnnxFile } from '../onnx/export';
import { forkEntry } from '../workers/entries';
import type { EdfDayJob, EdfDayMeasure } from './edf-day-child';
import { benchModelInfo, noise, randomWeights } from './infer-bench';

const RATE_HZ = 256;
const LABELS = HMS_CHANNELS.map((c) => (c === 'EKG' ? 'ECG' : `EEG ${c}-REF`));
/** Seconds of EEG-like noise per channel, repeated along the recording with a gain and fresh noise per minute. */
const PATTERN_SEC = 10;

export interface EdfDayBench {
  edfDayOpenMs: number;
  edfDayOverviewMs: number;
  edfDayTimelineSec: number;
  edfDayTimelineCpuSec: number;
  edfDayRssMb: number;
  edf72hOpenMs: number;
  edf72hOverviewMs: number;
  edf72hTimelineSec: number;
  edf72hTimelineCpuSec: number;
  edf72hRssMb: number;
  /** The EDF+D whose records leave a 74-hour gap: opened, paged and classified. */
  edfGap74hOpenMs: number;
  edfGap74hRssMb: number;
  edfGap74hWindows: number;
}

export async function benchEdfDay(onStatus: (line: string) => void = () => {}): Promise<EdfDayBench> {
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-edf-day-'));
  try {
    const model = join(dir, 'default.onnx');
    await exportOnnxFile(model, DEFAULT_MODEL, randomWeights(DEFAULT_MODEL, 3), { ...benchModelInfo(DEFAULT_MODEL), channels: PREPROCESS_PRESETS.notebook.channels });
    const measured: Record<string, EdfDayMeasure> = {};
    for (const hours of [24, 72]) {
      onStatus(`writing a ${hours}-h EDF…`);
      const edf = join(dir, `${hours}h.edf`);
      await writeLongEdf(edf, hours * 3600);
      onStatus(`opening and classifying the ${hours}-h EDF…`);
      measured[hours] = await measureEdfInChild({ edf, model, strideSec: 10 });
      await rm(edf);
    }
    const gap = join(dir, 'gap-74h.edf');
    await writeFile(gap, gapEdf(240, 74 * 3600));
    const g = await measureEdfInChild({ edf: gap, model, strideSec: 10 });
    const round = (x: number, digits = 1) => Number(x.toFixed(digits));
    return {
      edfDayOpenMs: round(measured[24].openMs),
      edfDayOverviewMs: round(measured[24].overviewMs, 0),
      edfDayTimelineSec: round(measured[24].timelineSec),
      edfDayTimelineCpuSec: round(measured[24].timelineCpuSec),
      edfDayRssMb: round(measured[24].rssMb, 0),
      edf72hOpenMs: round(measured[72].openMs),
      edf72hOverviewMs: round(measured[72].overviewMs, 0),
      edf72hTimelineSec: round(measured[72].timelineSec),
      edf72hTimelineCpuSec: round(measured[72].timelineCpuSec),
      edf72hRssMb: round(measured[72].rssMb, 0),
      edfGap74hOpenMs: round(g.openMs),
      edfGap74hRssMb: round(g.rssMb, 0),
      edfGap74hWindows: g.windows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A long EDF+C a minute at a time: a 10-s pattern per channel under a gain that changes each minute, plus fresh noise. */
export async function writeLongEdf(path: string, seconds: number): Promise<void> {
  const patternSamples = PATTERN_SEC * RATE_HZ;
  const patterns = LABELS.map((_, c) => noise(patternSamples, 100 + c));
  const rng = new Random(7);
  await writeEdfStreamed(path, { channels: LABELS, units: LABELS.map(() => 'uV'), sampleRateHz: RATE_HZ, seconds, physicalRange: [-500, 500] }, (first, n) =>
    patterns.map((pattern) => {
      const gain = 0.5 + rng.next();
      const out = new Float32Array(n * RATE_HZ);
      for (let i = 0, k = (first * RATE_HZ) % patternSamples; i < out.length; i++, k = k + 1 === patternSamples ? 0 : k + 1) out[i] = gain * pattern[k] + 5 * (rng.next() - 0.5);
      return out;
    }),
  );
}

/** EDF+D: `dataSec` of 1-s records, its second half `gapSec` after its first. */
function gapEdf(dataSec: number, gapSec: number): Uint8Array {
  const data = LABELS.map((_, c) => noise(dataSec * RATE_HZ, 200 + c));
  const bytes = encodeEdf({ channels: LABELS, sampleRateHz: RATE_HZ, data, units: LABELS.map(() => 'uV'), annotations: [], source: { path: '', format: 'edf+c' } });
  const reserved = 192;
  bytes.set(new TextEncoder().encode('EDF+D'), reserved);
  const ns = LABELS.length + 1;
  const recordBytes = (LABELS.length * RATE_HZ + 32) * 2;
  const tal = 256 * (ns + 1) + LABELS.length * RATE_HZ * 2;
  const encoder = new TextEncoder();
  for (let r = 0; r < dataSec; r++) {
    const at = tal + r * recordBytes;
    bytes.fill(0, at, at + 64);
    bytes.set(encoder.encode(`+${r < dataSec / 2 ? r : r + gapSec}\x14\x14\x00`), at);
  }
  return bytes;
}

/** Opens, pages, draws and classifies one EDF in a process of its own (see edf-day-child.ts). */
export function measureEdfInChild(job: EdfDayJob): Promise<EdfDayMeasure> {
  const child = forkEntry('edf-bench-child', { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { result?: EdfDayMeasure; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
    child.once('exit', (code, signal) => reject(new Error(`the measuring process ended (${signal ?? `exit ${code}`}) before it reported`)));
    child.send(job);
  });
}
