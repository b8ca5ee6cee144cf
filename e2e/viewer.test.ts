/**
 * Reading a generated recording in the viewer, in Chromium against the real backend: page with
 * keys and buttons, change a filter and see the trace change, the before/after overlay.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { openInViewer } from './viewer-page';
import WebSocket from 'ws';
import { base64ToFloat32 } from '../src-main/core/base64';
import { writeEdf } from '../src-main/node/formats/edf-write';
import { readHmsEegParquet } from '../src-main/node/formats/parquet';
import { writeHmsParquet } from '../src-main/node/formats/parquet-write';
import { generateDataset } from '../src-main/node/generate/dataset';
import { discontinuous } from '../src-main/node/hostile/edf-bytes';
import { encodeEdfSeconds } from '../src-main/node/hostile/shared';

let data: string;
let recording: string;

const session = useE2eSession('viewer', async (root) => {
  data = root;
  await generateDataset({ out: data, patients: 2, recordings: 1, testRecordings: 1, seed: 3 });
  recording = join(data, 'train_eegs', (await readdir(join(data, 'train_eegs')))[0]);
});

describe('the viewer', () => {
  it('pages through a recording, filters live and overlays before/after', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openInViewer(page, session.host.url, recording);
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText()).toMatch(/^0–10 s of \d+ s$/);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-bipolar.png') });

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    await page.getByRole('button', { name: 'previous page' }).click();
    await expect.poll(() => position.innerText()).toMatch(/^0–10 s of/);

    const traces = page.getByTestId('eeg-traces');
    const before = await traces.screenshot();
    await page.getByLabel('high-pass').selectOption('5');
    await expect.poll(async () => Buffer.compare(await traces.screenshot(), before) !== 0).toBe(true);
    await page.getByLabel('before/after').check();
    await page.getByLabel('notch').selectOption('60');
    await page.getByTestId('frequency-response').locator('canvas').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-filtered-overlay.png') });

    await page.getByLabel('sensitivity').selectOption('20');
    // Keys act on the reader, not on a focused control.
    await traces.click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByLabel('sensitivity').inputValue()).toBe('30');
    expect(problems).toEqual([]);
  });

  it('draws the chains of a missing electrode flat and says so, never as the other electrode alone', async () => {
    const rec = await readHmsEegParquet(recording);
    const keep = rec.channels.flatMap((c, i) => (['T5', 'O1', 'Cz', 'O2'].includes(c) ? [] : [i]));
    const edf = join(data, 'without-four.edf');
    await writeEdf(edf, { ...rec, channels: keep.map((i) => rec.channels[i]), data: keep.map((i) => rec.data[i]), units: keep.map((i) => rec.units[i]) });
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, edf);
    await expect
      .poll(() => page.getByTestId('absent-electrodes').innerText())
      .toBe('No signal from T5, O1, Cz, O2 (not in this recording, or flat): the channels marked ✕ are drawn flat, never as one electrode alone.');
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-absent-electrodes.png') });

    // The page the viewer draws, as the backend serves it.
    const ws = new WebSocket(`ws://127.0.0.1:${session.host.port}/api?token=${session.host.token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = await new Promise<{ value: { channels: string[]; absentRows: string[]; data: string[] } }>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.send(JSON.stringify({ id: 1, name: 'readPage', request: { path: edf, startSec: 0, durationSec: 10, montage: 'bipolar', contextSec: 0 } }));
    });
    ws.close();
    const { channels, absentRows, data: rows } = reply.value;
    expect(absentRows).toEqual(['T3-T5', 'T5-O1', 'T6-O2', 'P3-O1', 'P4-O2', 'Fz-Cz', 'Cz-Pz']);
    for (const [i, name] of channels.entries()) {
      if (name === 'EKG') continue;
      const peak = Math.max(...base64ToFloat32(rows[i]).map(Math.abs));
      if (absentRows.includes(name)) expect(peak, name).toBe(0);
      else expect(peak, name).toBeGreaterThan(1);
    }
  });

  it('marks where a trace is interpolated over missing samples, on the chains of that electrode only', async () => {
    const rec = await readHmsEegParquet(recording);
    const fp1 = rec.channels.indexOf('Fp1');
    // Fp1 missing from 12 s to 13.5 s (200 Hz), as real HMS files miss stretches of a channel.
    const gapped = rec.data.map((ch, c) => (c === fp1 ? ch.map((v, i) => (i >= 2400 && i < 2700 ? NaN : v)) : ch));
    const path = join(data, 'fp1-gap.parquet');
    await writeHmsParquet(
      path,
      rec.channels.map((name, c) => ({ name, type: 'FLOAT' as const, data: gapped[c] })),
    );
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, path);
    await page.getByRole('button', { name: /next/i }).click();
    await expect.poll(() => page.getByTestId('interpolated').innerText()).toBe('Shaded: interpolated over missing samples — Fp1-F7 12.0–13.5 s, Fp1-F3 12.0–13.5 s.');
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-interpolated.png') });

    const ws = new WebSocket(`ws://127.0.0.1:${session.host.port}/api?token=${session.host.token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const ask = (id: number, montage: string, startSec: number) =>
      new Promise<{ value: { channels: string[]; interpolated: { row: number; fromSec: number; toSec: number }[] } }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.send(JSON.stringify({ id, name: 'readPage', request: { path, startSec, durationSec: 10, montage, contextSec: 5 } }));
      });
    const referential = (await ask(1, 'referential', 10)).value;
    expect(referential.interpolated).toEqual([{ row: referential.channels.indexOf('Fp1'), fromSec: 12, toSec: 13.5 }]);
    // A page that ends inside the gap marks it up to its own end, and one before the gap marks nothing.
    expect((await ask(2, 'referential', 3)).value.interpolated).toEqual([{ row: referential.channels.indexOf('Fp1'), fromSec: 12, toSec: 13 }]);
    expect((await ask(3, 'referential', 0)).value.interpolated).toEqual([]);
    ws.close();
  });

  it('leaves a stretch without data records (EDF+D) blank and says so, rather than drawing interpolated EEG there', async () => {
    const path = join(data, 'paused.edf');
    // 60 s of data records, the second half an hour later: the recorder was paused.
    await writeFile(
      path,
      discontinuous(encodeEdfSeconds(60), (r) => (r < 30 ? r : r + 3600)),
    );
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, path);
    // Go-to pages by 10 s: the page before the pause has data to its end, the next none.
    await page.getByLabel('go to time').fill('+0:25');
    await page.getByLabel('go to time').press('Enter');
    await expect.poll(() => page.getByTestId('page-position').innerText()).toBe('20–30 s of 3660 s');
    expect(await page.getByTestId('no-data').count()).toBe(0);
    await page.getByLabel('go to time').fill('+0:35');
    await page.getByLabel('go to time').press('Enter');
    await expect.poll(() => page.getByTestId('no-data').innerText()).toBe("Blank: no data recorded 30.0–40.0 s (a gap between the file's data records; nothing is drawn there).");
    expect(await page.getByTestId('interpolated').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-no-data.png') });
    // Deep inside the pause too.
    await page.getByLabel('go to time').fill('+10:00');
    await page.getByLabel('go to time').press('Enter');
    await expect.poll(() => page.getByTestId('no-data').innerText()).toMatch(/^Blank: no data recorded 600\.0–610\.0 s/);
    expect(await page.getByTestId('interpolated').count()).toBe(0);
    await page.close();
  });

  it("lists an EDF+ file's annotations, goes to each by click and by N / P, and marks the ones on the page", async () => {
    const rec = await readHmsEegParquet(recording);
    const path = join(data, 'annotated.edf');
    const annotations = [
      { onsetSec: 12.5, durationSec: 0, text: 'spike' },
      { onsetSec: 31, durationSec: 5, text: 'eyes open' },
      { onsetSec: 44, durationSec: 0, text: 'seizure onset' },
    ];
    await writeEdf(path, { ...rec, annotations });
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, path);
    const list = page.getByRole('region', { name: 'annotations' });
    await expect.poll(() => list.getByRole('listitem').allInnerTexts()).toEqual(['0:12 spike', '0:31 eyes open (5.0 s)', '0:44 seizure onset']);
    const position = page.getByTestId('page-position');
    const current = () => list.locator('[aria-current="true"]').allInnerTexts();

    await list.getByRole('button', { name: /eyes open/ }).click();
    await expect.poll(() => position.innerText()).toMatch(/^30–40 s of/);
    expect(await current()).toEqual(['0:31 eyes open (5.0 s)']);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-annotations.png') });

    await page.getByTestId('eeg-traces').click();
    await page.keyboard.press('n');
    await expect.poll(() => position.innerText()).toMatch(/^40–50 s of/);
    expect(await current()).toEqual(['0:44 seizure onset']);
    await page.keyboard.press('p');
    await page.keyboard.press('p');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
    expect(await current()).toEqual(['0:12 spike']);
    await page.keyboard.press('p');
    await expect.poll(() => position.innerText()).toMatch(/^10–20 s of/);
  });

  it('explains a file it cannot read, as a problem with the file rather than a bug, and keeps working', async () => {
    const page = await session.browser.newPage();
    await page.goto(session.host.url);
    await page.getByLabel('path').fill(join(data, 'train.csv'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('unknown recording format ".csv"');
    // The backend called it input (the user's file): shown as its message, not as a bug to report.
    expect(await alert.getAttribute('data-kind')).toBe('input');
    expect(await alert.innerText()).not.toContain('please report it');
    await page.getByLabel('path').fill(recording);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('hms-parquet');
  });
});
