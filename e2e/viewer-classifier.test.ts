/**
 * The classifier under the traces, in Chromium against the real backend: a model chosen in the
 * Viewer classifies the open recording along its whole length into the strip — a wrong model path
 * answered in one line first — and the strip pages with the traces (the page framed, the 50-s
 * windows read for it marked), shows the model's own validation figures and flags near-uniform
 * output: all of it for a model with zero weights, none of it for one sure of seizure.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { openInViewer } from './viewer-page';
import { encodeEdfSeconds, tinyModelBytes, tinyWeights } from '../src-main/node/hostile/shared';

/** A 300-s recording classified every 10 s with 50-s windows: (300 − 50) / 10 + 1 windows. */
const DURATION_SEC = 300;
const WINDOWS = (DURATION_SEC - 50) / 10 + 1;
let dir: string;
let recording: string;
/** All weights zero: every window's output exactly uniform, as no trained model's is. */
let uniform: string;
/** Only the seizure logit's bias set: every window called seizure; no validation figures in its metadata. */
let sure: string;

const session = useE2eSession(
  'viewer-classifier',
  async (root) => {
    dir = root;
    recording = join(dir, 'long.edf');
    await writeFile(recording, encodeEdfSeconds(DURATION_SEC));
    uniform = join(dir, 'uniform.onnx');
    const validation = JSON.stringify({ epoch: 3, valKL: 0.912, valKL10: null, priorKL: 1.216, accuracy: 0.412 });
    await writeFile(uniform, tinyModelBytes({ 'hms.validation': validation }, tinyWeights(0)));
    sure = join(dir, 'sure.onnx');
    const weights = tinyWeights(0);
    // The dense layer's bias comes last, in CLASSES order: seizure first.
    weights[weights.length - 6] = 8;
    await writeFile(sure, tinyModelBytes({ 'hms.validation': '{}' }, weights));
  },
  120_000,
);

const stripData = (page: Page, name: string) => page.getByTestId('classifier-strip').getAttribute(`data-${name}`);

async function classifyWith(page: Page, model: string) {
  await page.getByLabel('classifier model').fill(model);
  await page.getByRole('button', { name: 'Classify the recording' }).click();
}

describe('the classifier under the traces', () => {
  it('classifies the open recording with a chosen model into a strip that pages with the traces, with the model’s figures and a near-uniform flag', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openInViewer(page, session.host.url, recording);
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText()).toBe(`0–10 s of ${DURATION_SEC} s`);
    expect(await page.getByTestId('classifier-strip').count()).toBe(0);

    // A wrong path: one line naming it; the viewer goes on paging.
    await classifyWith(page, join(dir, 'missing.onnx'));
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText(), { timeout: 30_000 }).toBe(`${join(dir, 'missing.onnx')}: no such model file`);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    await page.getByRole('button', { name: 'previous page' }).click();
    await expect.poll(() => position.innerText()).toMatch(/^0–10 s of/);

    await page.getByLabel('classifier stride').fill('10');
    await classifyWith(page, uniform);
    await expect.poll(() => stripData(page, 'windows'), { timeout: 60_000 }).toBe(String(WINDOWS));
    expect(await alert.count()).toBe(0);
    const strip = page.getByTestId('classifier-strip');
    expect(await strip.locator('figcaption').innerText()).toContain(`along the whole recording: ${WINDOWS} windows every 10 s`);
    expect(await strip.locator('.u-legend').innerText()).toMatch(/seizure[\s\S]*lpd[\s\S]*gpd[\s\S]*lrda[\s\S]*grda[\s\S]*other/);
    // The first page, before any window's centre: the first window, which covers it, is the one read.
    expect(await stripData(page, 'frame')).toBe('0–10');
    expect(await stripData(page, 'analysed')).toBe('0–50');

    const about = page.getByTestId('classifier-model');
    expect(await about.innerText()).toContain('tiny model · 19 channels · 50-s windows');
    const figures = page.getByTestId('model-figures');
    const [labels, values] = await Promise.all([figures.locator('dt').allInnerTexts(), figures.locator('dd').allInnerTexts()]);
    expect(labels.map((l, i) => `${l} ${values[i]}`)).toEqual([
      'epoch 3',
      'validation KL 0.912',
      'KL on ≥ 10 raters —',
      "the class prior's KL 1.216",
      'accuracy 41%',
      'KL / prior 0.75×',
    ]);
    expect(await stripData(page, 'near-uniform')).toBe(String(WINDOWS));
    expect(await page.getByTestId('near-uniform').innerText()).toMatch(
      new RegExp(`^Near-uniform output in ${WINDOWS} of ${WINDOWS} windows: the model tells the classes apart nowhere`),
    );
    expect(await page.getByTestId('page-windows').innerText()).toMatch(/^0–50 s: uncertain \(near-uniform output\), seizure 17%$/);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-classifier-uniform.png'), fullPage: true });

    // Paging moves the frame and the windows read: the page 30–40 s is the centre of the window 10–60 s.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => position.innerText()).toMatch(/^30–40 s of/);
    await expect.poll(() => stripData(page, 'frame')).toBe('30–40');
    expect(await stripData(page, 'analysed')).toBe('10–60');
    await page.getByLabel('page length').selectOption('30');
    await expect.poll(() => stripData(page, 'frame')).toBe('30–60');
    expect(await stripData(page, 'analysed')).toBe('10–80');
    // A click on the strip pages the traces there (the strip is below the fold at this size).
    await strip.scrollIntoViewIfNeeded();
    const box = (await strip.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2);
    await expect.poll(async () => Number((await stripData(page, 'frame'))?.split('–')[0]), { timeout: 30_000 }).toBeGreaterThan(150);
    expect(Number((await position.innerText()).split('–')[0])).toBe(Number((await stripData(page, 'frame'))!.split('–')[0]));

    // Another tab and back: the strip and its model are kept.
    await page.getByRole('navigation').getByRole('button', { name: 'Library' }).click();
    await page.getByRole('navigation').getByRole('button', { name: 'Viewer' }).click();
    await expect.poll(() => stripData(page, 'windows')).toBe(String(WINDOWS));
    expect(await page.getByLabel('classifier model').inputValue()).toBe(uniform);

    // A model sure of its call: no flag, and its windows called; it has no figures to show.
    await classifyWith(page, sure);
    await expect.poll(() => stripData(page, 'near-uniform'), { timeout: 60_000 }).toBe('0');
    expect(await page.getByTestId('near-uniform').count()).toBe(0);
    expect(await page.getByTestId('model-figures').innerText()).toBe('Its metadata holds no validation figures: nothing says how well it does.');
    expect(await page.getByTestId('page-windows').innerText()).toMatch(/^(\d+–\d+ s: seizure 100%\n?)+$/);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-classifier-sure.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 180_000);
});
