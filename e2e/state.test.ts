/**
 * State that survives navigation, reloads and a lost backend, in Chromium against the web host as
 * it ships (`node bin/hms.js serve`): a training run seen again after a tab switch and a reload
 * (progress over the whole run, curves, a Cancel that works), a second run on the same data
 * refused, the Library joining a generation under way, the Viewer and Classify keeping settings
 * and results, a banner while the connection is down, a page flip that failed rolled back, and a
 * wrong or expired token named as such. Screenshots go to e2e/artifacts/state-*.png.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../src-main/core/api';
import { generateDataset } from '../src-main/node/generate/dataset';
import { startBuiltHost } from './built-host';
import { ARTIFACTS, useE2eSession } from './session';

let data: string;
let appDir: string;

const session = useE2eSession(
  'state',
  async (root) => {
    data = join(root, 'data');
    // Where the session's host keeps its data: a restarted backend is started on the same folder.
    appDir = join(root, 'app');
    await generateDataset({ out: data, patients: 5, recordings: 2, testRecordings: 1, seed: 8 });
  },
  120_000,
);

/** One call straight to the host's API, as another page would make it. */
function apiCall(name: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${session.host.port}/api?token=${session.host.token}`);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, name, request })));
    ws.on('message', (m) => {
      const reply = JSON.parse(String(m));
      if (reply.id !== 1) return;
      ws.close();
      resolve(reply);
    });
    ws.on('error', reject);
  });
}
const trainingJobs = async () => ((await apiCall('listJobs', {})).value as JobInfo[]).filter((j) => j.kind === 'training');

async function openView(page: Page, name: string) {
  await page.getByRole('navigation').getByRole('button', { name }).click();
}
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `state-${name}.png`), fullPage: true });

/** The Train view attached to a run going on: its folder, the run's progress, whether it can be cancelled and another started. */
async function runningRun(page: Page, timeout = 30_000) {
  const progress = page.getByRole('status', { name: 'training progress' });
  await expect.poll(() => progress.count(), { timeout }).toBe(1);
  const folder = page.getByTestId('run-folder');
  return {
    folder: (await folder.count()) ? await folder.innerText() : '',
    share: Number(await progress.locator('progress').getAttribute('value')),
    text: (await progress.innerText()).replace(/\s+/g, ' '),
    cancel: await page.getByRole('button', { name: 'Cancel' }).count(),
    trainEnabled: await page.locator('main').getByRole('button', { name: 'Train', exact: true }).isEnabled(),
  };
}

describe('state that survives navigation and reloads', () => {
  it('a training run survives a tab switch and a reload, covers the whole run in its bar, refuses a second run on its data, and cancels', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(session.host.url);
    await openView(page, 'Train');
    await page.getByLabel('dataset').fill(data);
    await page.getByLabel('epochs').fill('300');
    await page.getByLabel('minutes').fill('0');
    // Two stages, each with its own patience: the run cannot stop early before the test is done with it.
    await page.getByLabel('stages').selectOption({ label: "MSE, then KL (the notebook's)" });
    await page.locator('main').getByRole('button', { name: 'Train', exact: true }).click();

    // Wait for a finished epoch, so the curves are there to lose.
    await expect.poll(() => page.locator('figure canvas').count(), { timeout: 180_000 }).toBe(1);
    // The curves take each finished epoch with setData: the canvas marked now is still the one drawn once
    // the next epoch has finished (shown as the one after it under way), where a rebuilt chart has a new one.
    await page.locator('figure canvas').evaluate((canvas) => canvas.setAttribute('data-drawn-before', ''));
    const before = await runningRun(page, 120_000);
    const epochOf = (text: string) => Number(/epoch (\d+)/.exec(text)![1]);
    await expect.poll(async () => epochOf((await runningRun(page)).text), { timeout: 120_000 }).toBeGreaterThan(epochOf(before.text) + 1);
    expect(await page.locator('figure canvas[data-drawn-before]').count()).toBe(1);
    await shot(page, 'training-running');

    await openView(page, 'Library');
    await expect.poll(() => page.getByRole('button', { name: 'Open built-in dataset' }).count()).toBe(1);
    await shot(page, 'library');
    await openView(page, 'Train');
    const back = await runningRun(page);
    expect(back).toMatchObject({ folder: before.folder, cancel: 1, trainEnabled: false });
    expect(await page.locator('figure canvas').count()).toBe(1);
    expect(await page.getByLabel('dataset').inputValue()).toBe(data);
    await shot(page, 'back-to-train');

    expect(before.folder).toMatch(/Run folder .*runs.* · going on/);
    expect(back.text).toMatch(/[\d.]+% of the run · epoch \d+ of at most 600 · step \d+\/\d+/);
    // The bar is the run's share, not the epoch's: a few epochs of 600 are a few per cent.
    const epoch = epochOf(back.text);
    expect(back.share).toBeGreaterThan(0);
    expect(back.share).toBeLessThanOrEqual(epoch / 600 + 1e-6);

    // Another page (or a script) asking for a second run on the same data is told why not.
    const second = await apiCall('startTraining', { dataset: data, model: 'chainnet', epochs: 2, stages: ['kl'] });
    expect(second.ok).toBe(false);
    expect(second.error!.message).toMatch(/a training run on .*data is already going on \(run folder .*\): cancel it or wait/);
    expect((await trainingJobs()).filter((j) => j.state === 'running')).toHaveLength(1);

    await page.reload();
    const reloaded = await runningRun(page);
    expect(reloaded).toMatchObject({ folder: before.folder, cancel: 1, trainEnabled: false });
    expect(await page.locator('figure canvas').count()).toBe(1);
    expect(epochOf(reloaded.text)).toBeGreaterThanOrEqual(epoch);
    await shot(page, 'after-reload');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Resume' }).count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId('run-share').count()).toBe(0);
    expect(await page.locator('section[aria-label="evaluation"] h2').innerText()).toMatch(/\(cancelled\)/);
    const [job] = await trainingJobs();
    expect(job.state).toBe('cancelled');
    expect(job.training!.history.length).toBeGreaterThanOrEqual(epoch - 1);

    // The cancelled run's best checkpoint, exported for the next test.
    await page.getByRole('button', { name: 'Export ONNX' }).click();
    await expect.poll(() => page.getByText(/Exported .*model\.onnx/).count(), { timeout: 60_000 }).toBe(1);
    expect(problems).toEqual([]);
  }, 400_000);

  it('the Viewer and Classify keep their settings and results across tab switches', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(session.host.url);
    const recording = join(data, 'train_eegs', (await readdir(join(data, 'train_eegs')))[0]);

    await page.getByLabel('path').fill(recording);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Open in viewer' }).click();
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText(), { timeout: 30_000 }).toMatch(/^0–10 s of/);
    await page.getByLabel('sensitivity').selectOption('20');
    await page.getByLabel('notch').selectOption('60');
    await page.getByRole('button', { name: 'next page' }).click();
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    await openView(page, 'Library');
    await openView(page, 'Viewer');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    expect(await page.getByLabel('sensitivity').inputValue()).toBe('20');
    expect(await page.getByLabel('notch').inputValue()).toBe('60');

    // The model exported from the cancelled run of the first test.
    const [job] = await trainingJobs();
    const model = join(job.training!.runDir, 'model.onnx');
    await openView(page, 'Classify');
    await page.getByLabel('recording').fill(recording);
    await page.getByLabel('model file').fill(model);
    await page.locator('main').getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.getByTestId('verdict').count(), { timeout: 60_000 }).toBe(1);
    const verdict = await page.getByTestId('verdict').innerText();

    await openView(page, 'Viewer');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    await openView(page, 'Classify');
    expect(await page.getByTestId('verdict').innerText()).toBe(verdict);
    expect(await page.getByLabel('recording').inputValue()).toBe(recording);
    expect(await page.getByLabel('model file').inputValue()).toBe(model);
  }, 120_000);

  it('the Library joins the built-in dataset being generated after a tab switch and a reload', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(session.host.url);
    await page.getByRole('button', { name: 'Open built-in dataset' }).click();
    const status = page.getByRole('status');
    const done = () => status.innerText().then((t) => Number(/: (\d+) of/.exec(t)?.[1] ?? -1));
    await expect.poll(done, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    await openView(page, 'Train');
    await openView(page, 'Library');
    await expect.poll(done, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('button', { name: 'Open built-in dataset' }).isDisabled()).toBe(true);
    await page.reload();
    await expect.poll(done, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    // It ends where it should: the dataset, not a progress line left behind.
    await expect.poll(() => page.locator('main').innerText(), { timeout: 180_000 }).toMatch(/\d+ windows · 72 EEGs · 24 patients/);
    expect(await status.count()).toBe(0);
    await openView(page, 'Train');
    await openView(page, 'Library');
    expect(await page.locator('main').innerText()).toMatch(/72 EEGs · 24 patients/);
    expect(await status.count()).toBe(0);
  }, 300_000);
});

describe('when the backend is gone, the page says so', () => {
  it('a dropped connection shows a banner, rolls back the page flip it broke, and reconnects', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The connection is dropped from the far side when the reader asks for the next page.
    let drop = false;
    await page.routeWebSocket(/\/api\?token=/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (drop && String(message).includes('"readPage"')) {
          drop = false;
          ws.close({ code: 1012, reason: 'dropped by the test' });
          server.close();
        } else server.send(message);
      });
    });
    await page.goto(session.host.url);
    const recording = join(data, 'train_eegs', (await readdir(join(data, 'train_eegs')))[0]);
    await page.getByLabel('path').fill(recording);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Open in viewer' }).click();
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText(), { timeout: 30_000 }).toMatch(/^0–10 s of/);

    drop = true;
    await page.getByRole('button', { name: 'next page' }).click();
    await expect.poll(() => page.getByTestId('page-error').innerText()).toMatch(/could not read 10–20 s: the connection to the backend was lost/);
    // The label names the page drawn, and the controls went back to it.
    expect(await position.innerText()).toMatch(/^0–10 s of/);
    expect(await page.getByRole('button', { name: 'previous page' }).isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('connection').count(), { timeout: 10_000 }).toBe(0);

    await page.getByRole('button', { name: 'next page' }).click();
    await expect.poll(() => position.innerText(), { timeout: 30_000 }).toMatch(/^10–20 s of/);
    expect(await page.getByTestId('page-error').count()).toBe(0);
  }, 120_000);

  it('a backend killed shows the banner; once restarted, the old address is a wrong or expired token, not "cannot reach"', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(session.host.url);
    await openView(page, 'Train');
    await expect.poll(() => page.locator('footer').innerText()).toMatch(/HMS Studio \d+\.\d+\.\d+/);

    const { port } = session.host;
    session.host.process.kill('SIGKILL');
    await session.host.close();
    const banner = page.getByTestId('connection');
    await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toBe('Connection to the backend lost — reconnecting…');
    await shot(page, 'connection-lost');

    session.host = await startBuiltHost({ dataDir: appDir, port });
    await expect.poll(() => banner.innerText(), { timeout: 20_000 }).toMatch(/wrong or expired token/);
    await shot(page, 'expired-token');

    // The host tells a page why its WebSocket was refused; the status says nothing more.
    expect((await fetch(`http://127.0.0.1:${session.host.port}/api/status?token=${session.host.token}`)).status).toBe(204);
    const refused = await fetch(`http://127.0.0.1:${session.host.port}/api/status?token=wrong`);
    expect([refused.status, await refused.text()]).toEqual([403, 'wrong or expired token']);

    // The new address works; a made-up token is named for what it is.
    await page.goto(session.host.url);
    await expect.poll(() => page.locator('footer').innerText()).toMatch(/HMS Studio \d+\.\d+\.\d+/);
    expect(await banner.count()).toBe(0);
    await page.goto(`http://127.0.0.1:${session.host.port}/?token=wrong`);
    await expect.poll(() => banner.innerText()).toMatch(/wrong or expired token/);
    expect(await banner.innerText()).not.toMatch(/cannot reach/i);
  }, 120_000);
});
