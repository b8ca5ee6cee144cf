/**
 * Every channel of the file in Chromium against the real backend: a clinical EDF with T1, T2, A2
 * and a chin EMG beside the 19 electrodes offers them by name; added under the double banana they
 * are drawn from the file, a montage row of them (T1-T3) is their difference, and a recording
 * without T1 draws that row flat and marked. The double banana's rows hidden and moved in place,
 * and the bad electrodes marked, are kept across a reload. The pages checked are the ones the
 * Viewer itself asked for.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as EegPage, PageRequest } from '../src-main/core/api';
import { base64ToFloat32 } from '../src-main/core/base64';
import { encodeEdf } from '../src-main/node/formats/edf-write';
import { edfRecording } from '../src-main/node/hostile/shared';
import { readRecording } from '../src-main/node/recording-files';
import { ARTIFACTS, useE2eSession } from './session';
import { openInViewer, pagesRead } from './viewer-page';

const EXTRA = ['EEG T1-REF', 'EEG T2-REF', 'POL A2', 'EMG chin'];
let withExtras: string;
let plain: string;

const session = useE2eSession('channels', async (root) => {
  withExtras = join(root, 'extras.edf');
  plain = join(root, 'plain.edf');
  const rec = edfRecording(60, 200);
  const extra = EXTRA.map((_, k) => Float32Array.from(rec.data[k], (v, i) => v * (k + 2) + 30 * Math.sin(i / (5 + k))));
  await writeFile(withExtras, encodeEdf({ ...rec, channels: [...rec.channels, ...EXTRA], data: [...rec.data, ...extra], units: [...rec.units, ...EXTRA.map(() => 'uV')] }));
  await writeFile(plain, encodeEdf(rec));
});

/** The signal the file holds under `label`, over the Viewer's first read (0–15 s: the page and its context after). */
async function fileSignal(label: string): Promise<Float32Array> {
  const file = await readRecording(withExtras);
  return file.data[file.channels.indexOf(label)].subarray(0, 15 * file.sampleRateHz);
}

/** The last page served for `path` whose request passes `match`. */
function lastPage(served: { request: PageRequest; value: EegPage }[], path: string, match: (r: PageRequest) => boolean) {
  return served.findLast((p) => p.request.path === path && match(p.request))?.value;
}
const asked = (name: string) => (r: PageRequest) => typeof r.montage !== 'string' && r.montage.name === name;

async function openRows(page: Page) {
  await page.getByText(/^Rows and channels/).click();
}

describe('every channel of the file', () => {
  it('offers the other channels by name, draws them under the montage and in a row of their own, flat where a recording lacks them', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    const served = pagesRead(page);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openInViewer(page, session.host.url, withExtras);

    await openRows(page);
    expect(
      await page
        .getByTestId('montage-rows')
        .getByRole('checkbox', { name: /^add / })
        .evaluateAll((boxes) => boxes.map((b) => b.getAttribute('aria-label'))),
    ).toEqual(['add T1', 'add T2', 'add A2', 'add EMG chin']);
    await page.getByLabel('add T1').check();
    await page.getByLabel('add EMG chin').check();
    await expect.poll(() => lastPage(served, withExtras, asked('bipolar'))?.channels.slice(-3), { timeout: 15_000 }).toEqual(['T1', 'EMG chin', 'EKG']);
    const added = lastPage(served, withExtras, asked('bipolar'))!;
    expect(added.channels).toHaveLength(18 + 2 + 1);
    expect(added.absentRows).toEqual([]);
    expect(base64ToFloat32(added.data[18])).toEqual(await fileSignal('EEG T1-REF'));
    expect(base64ToFloat32(added.data[19])).toEqual(await fileSignal('EMG chin'));
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-other-channels.png') });

    await page.getByText('Build a montage').click();
    await page.getByLabel('row 1 electrode').selectOption('T1');
    await page.getByLabel('row 1 reference').selectOption('T3');
    await page.getByRole('button', { name: 'Add row' }).click();
    await page.getByLabel('row 2 electrode').selectOption('A2');
    await page.getByLabel('row 2 reference').selectOption('');
    await page.getByLabel('name to save as').fill('temporal');
    await page.getByRole('button', { name: 'Save and show' }).click();
    await expect.poll(() => lastPage(served, withExtras, asked('temporal'))?.channels, { timeout: 15_000 }).toEqual(['T1-T3', 'A2', 'EKG']);
    const temporal = lastPage(served, withExtras, asked('temporal'))!;
    const [t1, t3] = [await fileSignal('EEG T1-REF'), await fileSignal('T3')];
    expect(base64ToFloat32(temporal.data[0])).toEqual(Float32Array.from(t1, (v, i) => v - t3[i]));
    expect(base64ToFloat32(temporal.data[1])).toEqual(await fileSignal('POL A2'));

    // The same montage on a recording without T1 or A2 (opened once it is kept): those rows flat and named so, never another signal.
    const file = join(session.dir, 'app', 'settings.json');
    await expect.poll(async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')).viewer?.montage).toBe('temporal');
    await openInViewer(page, session.host.url, plain);
    await expect.poll(() => lastPage(served, plain, asked('temporal'))?.absentRows, { timeout: 15_000 }).toEqual(['T1-T3', 'A2']);
    const without = lastPage(served, plain, asked('temporal'))!;
    expect(without.data.slice(0, 2).every((row) => base64ToFloat32(row).every((v) => v === 0))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('hides and moves the double banana’s rows in place, marks a file’s other channel bad, and keeps the layout and the bad channels across a reload', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    const served = pagesRead(page);
    await openInViewer(page, session.host.url, withExtras);
    await page.getByLabel('Montage').selectOption('bipolar');
    await openRows(page);
    await page.getByLabel('show Fp1-F7').uncheck();
    await page.getByLabel('move Cz-Pz up').click();
    await page.getByLabel('bad O2').check();
    await page.getByLabel('bad T1').check();
    const arranged = (r: PageRequest) => asked('bipolar')(r) && String(r.bad) === 'O2,T1';
    const expected = ['F7-T3', 'T3-T5', 'T5-O1', 'Fp2-F8'];
    await expect.poll(() => lastPage(served, withExtras, arranged)?.channels.slice(0, 4), { timeout: 15_000 }).toEqual(expected);
    const shown = lastPage(served, withExtras, arranged)!;
    expect(shown.channels.slice(14, 18)).toEqual(['P4-O2', 'Cz-Pz', 'Fz-Cz', 'T1']);
    expect(shown.absentRows).toEqual(['T6-O2', 'P4-O2', 'T1']);

    const file = join(session.dir, 'app', 'settings.json');
    await expect
      .poll(async () => {
        const kept = JSON.parse(await readFile(file, 'utf8').catch(() => '{}'));
        return [kept.layouts?.bipolar?.hidden, kept.bad];
      })
      .toEqual([['Fp1-F7'], { [withExtras]: ['O2', 'T1'] }]);

    served.length = 0;
    await page.reload();
    await openInViewer(page, session.host.url, withExtras);
    await page.getByLabel('Montage').selectOption('bipolar');
    await expect.poll(() => lastPage(served, withExtras, arranged)?.channels, { timeout: 15_000 }).toEqual(shown.channels);
    await expect.poll(() => page.getByLabel('bad O2').isChecked()).toBe(true);
    expect(await page.getByLabel('bad T1').isChecked()).toBe(true);
    await openRows(page);
    expect(await page.getByLabel('show Fp1-F7').isChecked()).toBe(false);
    await page.getByRole('button', { name: 'As the montage is' }).click();
    await expect.poll(() => served.at(-1)?.request.montage).toBe('bipolar');
    await page.close();
  });
});
