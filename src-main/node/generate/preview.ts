/**
 * A picture a person can check: for each class, the generated window that shows it most clearly,
 * its labelled central 10 s in the bipolar montage (0.5–20 Hz, zero-phase), 18 chains + EKG.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { CLASSES, HMS_SAMPLE_RATE_HZ as FS, LABELLED_SEC, LABELLED_START_SEC } from '../../core/eeg';
import { preprocessRecording } from '../../core/preprocess';
import { readCsv, columnReader } from '../formats/csv';
import { readHmsEegParquet } from '../formats/parquet';
import { Canvas } from '../png';

const PANEL_W = 640;
const PANEL_H = 440;
const TRACE = [20, 40, 90];
const EKG_TRACE = [170, 30, 30];

export interface PreviewPanel {
  className: string;
  eegId: string;
  offsetSec: number;
  truth: number;
}

export async function renderPreview(folder: string, outPng: string): Promise<PreviewPanel[]> {
  const table = await readCsv(join(folder, 'truth.csv'));
  const col = columnReader(table, ['eeg_id', 'eeg_label_offset_seconds', ...CLASSES]);
  const panels: PreviewPanel[] = CLASSES.map((className) => {
    let best = 0;
    for (let i = 1; i < table.rows.length; i++) if (col.number(i, className) > col.number(best, className)) best = i;
    return { className, eegId: col.text(best, 'eeg_id'), offsetSec: col.number(best, 'eeg_label_offset_seconds'), truth: col.number(best, className) };
  });
  const canvas = new Canvas(PANEL_W * 3, PANEL_H * 2);
  for (const [k, panel] of panels.entries()) {
    const rec = await readHmsEegParquet(join(folder, 'train_eegs', `${panel.eegId}.parquet`));
    const pre = preprocessRecording(rec, { montage: 'bipolar', filter: { highpassHz: 0.5, lowpassHz: 20, order: 4, zeroPhase: true }, clipUv: null });
    drawPanel(canvas, (k % 3) * PANEL_W, Math.floor(k / 3) * PANEL_H, pre.data, Math.round((panel.offsetSec + LABELLED_START_SEC) * FS));
    canvas.text((k % 3) * PANEL_W + 10, Math.floor(k / 3) * PANEL_H + 8, `${panel.className} ${(panel.truth * 100).toFixed(0)}%`, [0, 0, 0], 2);
  }
  await writeFile(outPng, canvas.toPng());
  return panels;
}

function stdOf(x: Float32Array): number {
  let s = 0;
  let q = 0;
  for (const v of x) {
    s += v;
    q += v * v;
  }
  return Math.sqrt(Math.max(0, q / x.length - (s / x.length) ** 2));
}

/** 19 rows at 100 µV per row height; min–max per pixel column so spikes survive decimation. */
function drawPanel(canvas: Canvas, x0: number, y0: number, rows: Float32Array[], start: number): void {
  const top = y0 + 30;
  const rowH = (PANEL_H - 40) / rows.length;
  const samples = LABELLED_SEC * FS;
  const width = PANEL_W - 20;
  canvas.rect(x0 + 1, y0 + 1, PANEL_W - 2, PANEL_H - 2, [250, 250, 247]);
  for (let sec = 0; sec <= LABELLED_SEC; sec++) canvas.column(x0 + 10 + (sec * width) / LABELLED_SEC, top, y0 + PANEL_H - 6, [225, 225, 225]);
  rows.forEach((ch, r) => {
    const mid = top + rowH * (r + 0.5);
    const isEkg = r === rows.length - 1;
    // EKG spans 80–3,000 µV between patients: it gets its own scale, 4 standard deviations per row.
    const uvPerPx = isEkg ? (4 * Math.max(1, stdOf(ch.subarray(start, start + samples)))) / rowH : 100 / rowH;
    let prev = mid;
    for (let px = 0; px < width; px++) {
      const a = start + Math.floor((px * samples) / width);
      const b = start + Math.floor(((px + 1) * samples) / width);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = a; i < Math.max(b, a + 1); i++) {
        lo = Math.min(lo, ch[i]);
        hi = Math.max(hi, ch[i]);
      }
      // EEG convention: negative up.
      const yLo = mid + lo / uvPerPx;
      const yHi = mid + hi / uvPerPx;
      canvas.column(x0 + 10 + px, Math.min(prev, yLo), Math.max(prev, yHi), isEkg ? EKG_TRACE : TRACE);
      prev = (yLo + yHi) / 2;
    }
  });
}
