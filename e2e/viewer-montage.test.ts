/**
 * The reader's own montage in Chromium against the real backend: built row by row in the Viewer,
 * saved and applied, the page's data checked against the derivations computed from the
 * referential signals; still offered after a reload; an electrode marked bad drawn flat in its
 * derivations and left out of the average; a broken montage in a hand-edited settings file said
 * in one line. The pages read are the ones the Viewer itself asked for, caught off its WebSocket.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page as EegPage } from '../src-main/core/api';
import { base64ToFloat32 } from '../src-main/core/base64';
import { EEG_ELECTRODES } from '../src-main/core/eeg';
import { generateDataset } from '../src-main/node/generate/dataset';
import { useE2eSession } from './session';
import { openInViewer, pagesRead } from './viewer-page';

let data: string;
let recording: string;

const session = useE2eSession('montage', async (root) => {
  data = root;
  await generateDataset({ out: data, patients: 2, recordings: 1, testRecordings: 1, seed: 3 });
  recording = join(data, 'train_eegs', (await readdir(join(data, 'train_eegs')))[0]);
});

/** The referential signals of the page the Viewer reads first (0–10 s, 5 s of context), asked of the backend directly. */
async function referential(): Promise<Float32Array[]> {
  const ws = new WebSocket(`ws://127.0.0.1:${session.host.port}/api?token=${session.host.token}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = await new Promise<{ value: EegPage }>((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(String(d))));
    ws.send(JSON.stringify({ id: 1, name: 'readPage', request: { path: recording, startSec: 0, durationSec: 10, montage: 'referential', contextSec: 5 } }));
  });
  ws.close();
  return reply.value.data.map(base64ToFloat32);
}

/** What the readout names with the pointer on row `row` of `rows`, mid-page. */
async function rowUnderPointer(page: Page, row: number, rows: number): Promise<string> {
  const box = (await page.getByTestId('eeg-traces').locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + ((row + 0.5) / rows) * box.height);
  return page.getByTestId('hover-readout').innerText();
}

const electrode = (rows: Float32Array[], e: string) => rows[(EEG_ELECTRODES as readonly string[]).indexOf(e)];
/** The mean of the electrodes not left out, sample by sample. */
function average(rows: Float32Array[], leftOut: string[]): Float64Array {
  const kept = EEG_ELECTRODES.filter((e) => !leftOut.includes(e));
  return Float64Array.from(rows[0], (_, i) => kept.reduce((sum, e) => sum + electrode(rows, e)[i], 0) / kept.length);
}
function expectClose(actual: Float32Array, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  expect(Math.max(...actual.map((v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-3);
}

describe('a montage of the reader’s own', () => {
  it('is built, saved and applied, its page the derivations of the referential signals; kept across a reload; a bad electrode flat and out of the average', async () => {
    const ref = await referential();
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    const served = pagesRead(page);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openInViewer(page, session.host.url, recording);

    await page.getByText('Build a montage').click();
    await page.getByLabel('row 1 electrode').selectOption('Fp1');
    await page.getByLabel('row 1 reference').selectOption('F7');
    await page.getByRole('button', { name: 'Add row' }).click();
    await page.getByLabel('row 2 electrode').selectOption('Cz');
    await page.getByLabel('row 2 reference').selectOption('avg');
    await page.getByLabel('row 2 gain').selectOption('2');
    await page.getByLabel('name to save as').fill('two rows');
    await page.getByRole('button', { name: 'Save and show' }).click();
    await expect.poll(() => page.getByLabel('Montage').inputValue()).toBe('two rows');

    const mine = (bad: string[]) => served.findLast((p) => typeof p.request.montage !== 'string' && p.request.montage.name === 'two rows' && String(p.request.bad) === String(bad));
    await expect.poll(() => !!mine([]), { timeout: 15_000 }).toBe(true);
    const shown = mine([])!.value;
    expect(shown.channels).toEqual(['Fp1-F7', 'Cz-avg', 'EKG']);
    expect(shown.absentRows).toEqual([]);
    const rows = shown.data.map(base64ToFloat32);
    expectClose(
      rows[0],
      Float64Array.from(electrode(ref, 'Fp1'), (v, i) => v - electrode(ref, 'F7')[i]),
    );
    const mean = average(ref, []);
    expectClose(
      rows[1],
      Float64Array.from(electrode(ref, 'Cz'), (v, i) => v - mean[i]),
    );
    const file = join(data, 'app', 'settings.json');
    await expect
      .poll(async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')).montages)
      .toEqual([
        {
          name: 'two rows',
          derivations: [
            { label: 'Fp1-F7', plus: 'Fp1', minus: 'F7' },
            { label: 'Cz-avg', plus: 'Cz', minus: 'avg', gain: 2 },
          ],
        },
      ]);
    // The gain is the drawing's alone: the data above is the signal's, and the row says it is drawn ×2.
    await expect.poll(() => rowUnderPointer(page, 1, 3)).toMatch(/^Cz-avg ×2 · /);

    await page.reload();
    await openInViewer(page, session.host.url, recording);
    await expect.poll(() => page.getByLabel('Montage').inputValue()).toBe('two rows');
    expect(await page.getByLabel('Montage').locator('option').allInnerTexts()).toEqual([
      'bipolar',
      'referential',
      'average',
      'Laplacian',
      'transverse',
      'Cz reference',
      'two rows',
    ]);

    await page.getByLabel('bad F7').check();
    await page.getByLabel('bad Fp2').check();
    await expect.poll(() => !!mine(['F7', 'Fp2']), { timeout: 15_000 }).toBe(true);
    const marked = mine(['F7', 'Fp2'])!.value;
    expect(marked.absentRows).toEqual(['Fp1-F7']);
    const markedRows = marked.data.map(base64ToFloat32);
    expect(markedRows[0].every((v) => v === 0)).toBe(true);
    await expect.poll(() => rowUnderPointer(page, 0, 3)).toMatch(/^Fp1-F7 ✕ · /);
    const without = average(ref, ['F7', 'Fp2']);
    expectClose(
      markedRows[1],
      Float64Array.from(electrode(ref, 'Cz'), (v, i) => v - without[i]),
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says in one line what of a hand-edited settings file it left out, and opens with the rest', async () => {
    const file = join(data, 'app', 'settings.json');
    const kept = JSON.parse(await readFile(file, 'utf8'));
    const broken = { name: 'typo', derivations: [{ label: 'Fp1-Fp1', plus: 'Fp1', minus: 'Fp1' }] };
    await writeFile(file, JSON.stringify({ ...kept, montages: [...kept.montages, broken] }));
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, recording);
    await expect
      .poll(() => page.getByTestId('settings-notice').innerText())
      .toBe('Saved montages left out of the settings file: montage "typo" row 1: the reference must be another channel, avg, lap or none');
    expect(await page.getByLabel('Montage').locator('option').allInnerTexts()).toContain('two rows');
    await page.close();
  });
});
