/**
 * Training and classifying through the UI, in Chromium against the real backend: train briefly in
 * a child process with live progress, see the evaluation and export ONNX, classify a recording
 * (bars) and a timeline (click → viewer); and wrong input — a folder that is not a dataset, a
 * corrupt model — answered with a clear message while the app keeps working.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { generateDataset } from '../src-main/node/generate/dataset';

let dir: string;
let data: string;

const session = useE2eSession(
  'train',
  async (root) => {
    dir = root;
    data = join(dir, 'data');
    await generateDataset({ out: data, patients: 5, recordings: 2, testRecordings: 1, seed: 8 });
  },
  120_000,
);

async function openView(page: Page, name: string) {
  await page.getByRole('navigation').getByRole('button', { name }).click();
}

describe('Train and Classify', () => {
  it('train briefly, export ONNX, classify a recording and a timeline, and open the viewer from the timeline', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(session.host.url);
    await openView(page, 'Train');

    // A folder that is not a dataset: a clear message, and the form stays usable.
    await page.getByLabel('dataset').fill(dir);
    await page.getByLabel('epochs').fill('2');
    await page.getByLabel('minutes').fill('0');
    await page.locator('main').getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 30_000 }).toContain('not an HMS dataset folder');

    await page.getByLabel('dataset').fill(data);
    await page.locator('main').getByRole('button', { name: 'Train', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('backend').innerText(), { timeout: 60_000 })
      .toMatch(/onnxruntime · CPU · \d threads? · \d+ training windows, \d+ held out by patient/);
    await expect.poll(() => page.getByTestId('val-kl').count(), { timeout: 120_000 }).toBe(1);
    expect(Number(await page.getByTestId('val-kl').innerText())).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: 'confusion matrix' }).locator('tbody tr').count()).toBe(6);
    await page.screenshot({ path: join(ARTIFACTS, 'train-finished.png'), fullPage: true });
    await page.getByRole('button', { name: 'Open log' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'training log' }).innerText()).toMatch(/training process \d+ started[\s\S]*finished after \d+ epochs/);
    await page.getByRole('button', { name: 'Export ONNX' }).click();
    await expect.poll(() => page.getByText(/Exported .*model\.onnx/).count(), { timeout: 30_000 }).toBe(1);

    await openView(page, 'Classify');
    expect(await page.getByLabel('model file').inputValue()).toMatch(/model\.onnx$/);
    const [testEeg] = await readdir(join(data, 'test_eegs'));
    await page.getByLabel('recording').fill(join(data, 'test_eegs', testEeg));
    await page.locator('main').getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.getByTestId('verdict').count(), { timeout: 30_000 }).toBe(1);
    const probabilities = await page.getByRole('table', { name: 'probabilities' }).locator('td').allInnerTexts();
    expect(probabilities).toHaveLength(6);
    expect(probabilities.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    await page.screenshot({ path: join(ARTIFACTS, 'classify-window.png'), fullPage: true });

    // A corrupt model: the message names the file; the next good request works.
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, 'not a model');
    const good = await page.getByLabel('model file').inputValue();
    await page.getByLabel('model file').fill(corrupt);
    await page.locator('main').getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 30_000 }).toContain('corrupt.onnx');
    await page.getByLabel('model file').fill(good);

    const [trainEeg] = await readdir(join(data, 'train_eegs'));
    await page.getByLabel('recording').fill(join(data, 'train_eegs', trainEeg));
    await page.getByLabel('timeline').check();
    await page.getByLabel('stride').fill('5');
    await page.locator('main').getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.locator('figure canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'classify-timeline.png'), fullPage: true });
    const box = (await page.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('page-position').innerText(), { timeout: 30_000 }).toMatch(/^\d+–\d+ s of \d+ s$/);
    expect(Number((await page.getByTestId('page-position').innerText()).split('–')[0])).toBeGreaterThan(0);

    // A file dropped on the page: a browser hides its path, and the app says so instead of failing.
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['0 1 2'], 'dropped.edf'));
      return transfer;
    });
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    await expect.poll(() => page.locator('footer').innerText()).toContain('dropped.edf: a browser does not tell the app where a dropped file lives');
    await openView(page, 'Library');
    await expect.poll(() => page.getByRole('button', { name: 'Open built-in dataset' }).isEnabled()).toBe(true);
    expect(problems).toEqual([]);
  }, 300_000);
});
