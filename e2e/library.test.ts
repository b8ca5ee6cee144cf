/**
 * The first minutes of a new user, in Chromium against the real backend: open the built-in
 * dataset (generated on first use, with progress), read its summary, filter its recordings and
 * open one in the viewer.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltHost, startBuiltHost } from './built-host';
import { launchChromium } from '../src-main/node/chromium';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
let host: BuiltHost;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hms-e2e-library-'));
  await mkdir(ARTIFACTS, { recursive: true });
  host = await startBuiltHost({ dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Library', () => {
  it('opens the built-in dataset with progress, filters it and opens a recording', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open built-in dataset' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 }).toMatch(/Generating the built-in dataset: \d+ of 36 patients/);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 120_000 }).toMatch(/\d+ windows · 72 EEGs · 24 patients/);
    expect((await stat(join(dataDir, 'built-in', 'summary.json'))).isFile()).toBe(true);
    await expect.poll(() => page.locator('figure canvas').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'library-built-in.png'), fullPage: true });

    const count = page.getByText(/\d+ of 72 recordings/);
    await page.getByLabel('consensus').selectOption('lrda');
    const lrda = Number((await count.innerText()).split(' ')[0]);
    expect(lrda).toBeGreaterThan(0);
    expect(lrda).toBeLessThan(72);
    expect(await page.locator('tbody tr').count()).toBe(lrda);
    await page.locator('tbody tr').first().getByRole('button', { name: 'View' }).click();
    // The viewer opens on the experts' first labelled 10 s, shaded, with their votes.
    await expect.poll(() => page.getByTestId('page-position').innerText()).toMatch(/^(\d+)–(\d+) s of \d+ s$/);
    const [from, to] = (await page.getByTestId('page-position').innerText()).match(/\d+/g)!.map(Number);
    expect(to - from).toBe(10);
    expect(from).toBeGreaterThanOrEqual(20);
    await expect.poll(() => page.getByTestId('expert-votes').first().innerText()).toMatch(new RegExp(`^Experts, ${from}–${to} s: (lrda|lpd|gpd|grda|seizure|other) \\d+`));
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-expert-window.png') });
    expect(problems).toEqual([]);
  }, 180_000);
});
