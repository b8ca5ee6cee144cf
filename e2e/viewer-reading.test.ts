/**
 * Reading and measuring in the viewer, in Chromium against the built backend: a recording whose
 * Fp1 is a known sine on a DC offset, its start time in the EDF header. The caliper on that sine,
 * the clock time, the paper theme, the layout at 1100×800, and settings kept across a reload.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { openInViewer } from './viewer-page';
import { EEG_ELECTRODES, EKG_CHANNEL } from '../src-main/core/eeg';
import { montageChannelNames } from '../src-main/core/montage';
import { writeEdf } from '../src-main/node/formats/edf-write';

const FS = 200;
const SINE_HZ = 5;
const SINE_UV = 100;
const DC_UV = 300;
let data: string;
let recording: string;

/** 120 s at 200 Hz: Fp1 a 5-Hz sine of ±100 µV on +300 µV; the other electrodes slower, smaller sines, so none is flat; two annotations on the first page. */
async function writeSineRecording(path: string) {
  const n = 120 * FS;
  const channels = [...EEG_ELECTRODES, EKG_CHANNEL];
  const data = channels.map((name, c) =>
    Float32Array.from({ length: n }, (_, i) =>
      name === 'Fp1' ? DC_UV + SINE_UV * Math.sin((2 * Math.PI * SINE_HZ * i) / FS) : 20 * Math.sin((2 * Math.PI * (1 + c / 10) * i) / FS),
    ),
  );
  await writeEdf(
    path,
    {
      channels,
      sampleRateHz: FS,
      data,
      units: channels.map(() => 'uV'),
      annotations: [
        { onsetSec: 2, durationSec: 0, text: 'eyes closed' },
        { onsetSec: 6.5, durationSec: 2, text: 'photic 5 Hz' },
      ],
      source: { path, format: 'edf+c' },
    },
    { patient: 'P-042', startTime: new Date(Date.UTC(2024, 4, 17, 23, 59, 50)) },
  );
}

const session = useE2eSession('reading', async (root) => {
  data = root;
  recording = join(data, 'sine.edf');
  await writeSineRecording(recording);
});

/** Where second `sec` of row `row` lies on the plot, for a page of `pageSec` starting at `fromSec`, in page coordinates. */
async function plotPoint(page: Page, sec: number, row: number, fromSec: number, pageSec: number) {
  const box = (await page.getByTestId('eeg-traces').locator('.u-over').boundingBox())!;
  const rows = montageChannelNames('referential').length;
  return { x: box.x + ((sec - fromSec) / pageSec) * box.width, y: box.y + ((row + 0.5) / rows) * box.height };
}

/** The share of the traces canvas's pixels painted near black and near white (the canvas is transparent: the page shows through). */
function inkOf(page: Page) {
  return page
    .getByTestId('eeg-traces')
    .locator('canvas')
    .evaluate((c: HTMLCanvasElement) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let light = 0;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 100) continue;
        const level = (data[i] + data[i + 1] + data[i + 2]) / 3;
        if (level > 180) light++;
        if (level < 40) dark++;
      }
      return { light: light / (data.length / 4), dark: dark / (data.length / 4) };
    });
}

describe('reading in the viewer', () => {
  it('fits 1100×800 after the window shrinks: no sideways overflow, and the footer leaves the spectrogram visible', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, recording);
    await page.getByLabel('spectrogram').waitFor();
    await page.setViewportSize({ width: 1100, height: 800 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    const traces = (await page.getByTestId('eeg-traces').locator('canvas').boundingBox())!;
    expect(traces.x + traces.width).toBeLessThanOrEqual(1100);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-1100x800.png') });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const spectrogram = (await page.getByLabel('spectrogram').boundingBox())!;
    const footer = (await page.locator('footer').boundingBox())!;
    expect(spectrogram.y + spectrogram.height).toBeLessThanOrEqual(footer.y);
  });

  it('shows the header and clock time, goes to a time, and measures a known 5-Hz sine with the caliper', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, recording);
    expect(await page.getByTestId('recording-header').innerText()).toMatch(/sine\.edf\s+edf\+c\s+patient P-042\s+started 2024-05-17 23:59:50\s+2:00 long\s+200 Hz/);
    await page.getByLabel('Montage').selectOption('referential');
    await page.getByLabel('high-pass').selectOption('0');
    await page.getByLabel('page length').selectOption('1');
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText()).toBe('0–1 s of 120 s');
    expect(await page.getByTestId('page-clock').innerText()).toBe('23:59:50–23:59:51');

    // High-pass off, Fp1 on +300 µV: drawn around its own mean, a trough reads −100 µV, not +200.
    const fp1 = montageChannelNames('referential').indexOf('Fp1');
    const trough = await plotPoint(page, 0.35, fp1, 0, 1);
    await page.mouse.move(trough.x, trough.y);
    const hover = await page.getByTestId('hover-readout').innerText();
    expect(hover).toMatch(/^Fp1 · 23:59:50\.3 · −(\d+\.\d) µV$/);
    expect(Number(/−(\d+\.\d)/.exec(hover)![1])).toBeCloseTo(SINE_UV, 0);

    // Two peaks a period apart: 0.2 s, 5 Hz, no difference in height; a peak to the next trough: 200 µV.
    for (const sec of [0.25, 0.45]) {
      const p = await plotPoint(page, sec, fp1, 0, 1);
      await page.mouse.click(p.x, p.y);
    }
    const readout = page.getByTestId('caliper-readout');
    await expect.poll(() => readout.innerText()).toMatch(/^Caliper: Δt 0\.200 s · 5\.00 Hz · ΔV −?0\.\d µV \(Fp1\)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-caliper.png') });
    await page.keyboard.press('Escape');
    for (const sec of [0.25, 0.35]) {
      const p = await plotPoint(page, sec, fp1, 0, 1);
      await page.mouse.click(p.x, p.y);
    }
    await expect.poll(() => readout.innerText()).toMatch(/^Caliper: Δt 0\.100 s · 10\.00 Hz · ΔV −(199\.\d|200\.\d) µV \(Fp1\)$/);
    expect(await page.getByTestId('calibration').innerText()).toBe('Bar: 100 µV = 10 mm at 10 µV/mm, 0.2 s; DC removed per trace');

    // Clock time past midnight, and an offset.
    await page.getByLabel('go to time').fill('00:00:30');
    await page.getByLabel('go to time').press('Enter');
    await expect.poll(() => position.innerText()).toBe('40–41 s of 120 s');
    expect(await page.getByTestId('page-clock').innerText()).toBe('00:00:30–00:00:31');
    await page.keyboard.press('g');
    await page.getByLabel('go to time').fill('+1:05');
    await page.getByLabel('go to time').press('Enter');
    await expect.poll(() => position.innerText()).toBe('65–66 s of 120 s');
    await page.getByLabel('go to time').fill('tomorrow');
    await page.getByLabel('go to time').press('Enter');
    expect(await page.getByTestId('go-to-error').innerText()).toBe('"tomorrow" is not a time: write hh:mm:ss (clock time), +m:ss or seconds');
  });

  it('reads on paper: black traces on white, switched from the dark theme', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, recording);
    await page.getByLabel('page length').selectOption('10');
    await page.getByLabel('Montage').selectOption('bipolar');
    await page.getByLabel('theme').selectOption('dark');
    // Mostly light ink on the dark page (the calibration bar's labels sit on dark backings).
    // Polled as a whole: the chart is rebuilt on a theme change, and a canvas caught mid-redraw holds either ink.
    const inkIs = async (main: 'light' | 'dark', other: 'light' | 'dark') => {
      const ink = await inkOf(page);
      return ink[main] > 0.002 && ink[main] > 4 * ink[other];
    };
    await expect.poll(() => inkIs('light', 'dark')).toBe(true);
    await page.getByLabel('theme').selectOption('paper');
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor])).toEqual(['paper', 'rgb(255, 255, 255)']);
    await expect.poll(() => inkIs('dark', 'light')).toBe(true);
    const p = await plotPoint(page, 2.25, 0, 0, 10);
    await page.mouse.click(p.x, p.y);
    await page.mouse.click(p.x + 60, p.y);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-paper.png') });
  });

  it('saves the page as PNG and PDF with the file, montage, filters, sensitivity and time printed on it, and the spectrogram as CSV and PNG', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 }, acceptDownloads: true });
    await openInViewer(page, session.host.url, recording);
    await page.getByLabel('page length').selectOption('10');
    await page.getByLabel('Montage').selectOption('bipolar');
    await page.getByRole('button', { name: 'next page' }).click();
    await expect.poll(() => page.getByTestId('page-position').innerText()).toBe('10–20 s of 120 s');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save PNG' }).click()]);
    expect(saved.suggestedFilename()).toBe('sine-bipolar-10s.png');
    const path = join(ARTIFACTS, 'viewer-page-export.png');
    await saved.saveAs(path);
    const png = await readFile(path);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const canvas = (await page.getByTestId('eeg-traces').locator('canvas').boundingBox())!;
    // The traces at their size, under two lines of caption.
    expect(png.readUInt32BE(16)).toBe(Math.round(canvas.width));
    expect(png.readUInt32BE(20)).toBe(Math.round(canvas.height) + 52);

    // The same page as PDF, as poppler reads it: one landscape A4 page, traces on the page's dark background.
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save PDF' }).click()]);
    expect(pdf.suggestedFilename()).toBe('sine-bipolar-10s.pdf');
    const pdfPath = join(ARTIFACTS, 'viewer-page-export.pdf');
    await pdf.saveAs(pdfPath);
    expect(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n[\s\S]*Page size:\s+842 x 595 pts/);
    execFileSync('pdftoppm', ['-r', '50', '-png', '-singlefile', pdfPath, join(ARTIFACTS, 'viewer-page-export-pdf')]);
    const rendered = await readFile(join(ARTIFACTS, 'viewer-page-export-pdf.png'));
    expect(rendered.readUInt32BE(16)).toBe(585);

    // The spectrogram's numbers, a row per time and region (LL, RL, LP, RP), and its picture.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save spectrogram CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('sine-spectrogram.csv');
    const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^time_s,region,[\d.]+_hz,/);
    expect(lines.slice(1, 5).map((l) => l.split(',')[1])).toEqual(['LL', 'RL', 'LP', 'RP']);
    expect((lines.length - 1) % 4).toBe(0);
    const [picture] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save spectrogram PNG' }).click()]);
    expect((await readFile(await picture.path())).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('keeps the viewer settings and the recent recordings in the data folder, restored after a reload', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, recording);
    await page.getByLabel('Montage').selectOption('average');
    await page.getByLabel('sensitivity').selectOption('7');
    await page.getByLabel('page length').selectOption('20');
    await page.getByLabel('high-pass').selectOption('0.3');
    await page.getByLabel('notch').selectOption('50');
    await page.getByLabel('theme').selectOption('paper');
    const file = join(data, 'app', 'settings.json');
    await expect
      .poll(async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')))
      .toEqual({
        viewer: { montage: 'average', sensitivity: 7, highpassHz: 0.3, lowpassHz: 40, notchHz: 50, pageSec: 20, theme: 'paper' },
        recent: [recording],
        montages: [],
        layouts: {},
        bad: {},
      });

    await page.goto(session.host.url);
    await page.reload();
    const recent = page.getByRole('region', { name: 'recent recordings' });
    await recent.getByRole('button', { name: recording }).click();
    await page.getByTestId('eeg-traces').locator('canvas').waitFor();
    expect(await page.getByLabel('Montage').inputValue()).toBe('average');
    expect(await page.getByLabel('sensitivity').inputValue()).toBe('7');
    expect(await page.getByLabel('page length').inputValue()).toBe('20');
    expect(await page.getByLabel('notch').inputValue()).toBe('50');
    expect(await page.getByLabel('high-pass').inputValue()).toBe('0.3');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('paper');
    await expect.poll(() => page.getByTestId('page-position').innerText()).toBe('0–20 s of 120 s');
  });
});
