/**
 * A reader's own events, in Chromium against the built backend: TUH's seizure file beside an EDF
 * listed with its name; an event added at the page shown, named, saved to the sidecar — whose
 * contents are checked on disk — and there again after a reload; one deleted and saved away; the
 * recording itself never written.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { openInViewer } from './viewer-page';
import { writeEdf } from '../src-main/node/formats/edf-write';
import { readHmsEegParquet } from '../src-main/node/formats/parquet';
import { generateDataset } from '../src-main/node/generate/dataset';

let data: string;
let edf: string;

const session = useE2eSession('events', async (root) => {
  data = root;
  await generateDataset({ out: data, patients: 2, recordings: 1, testRecordings: 1, seed: 3 });
  const parquet = join(data, 'train_eegs', (await readdir(join(data, 'train_eegs')))[0]);
  edf = join(data, 'session1.edf');
  await writeEdf(edf, { ...(await readHmsEegParquet(parquet)), annotations: [{ onsetSec: 44, durationSec: 0, text: 'seizure onset' }] });
  await writeFile(join(data, 'session1.tse'), 'version = tse_v1.0.0\n\n0.0000 20.0000 bckg 1.0000\n20.0000 35.0000 seiz 1.0000\n');
});

describe("the reader's events", () => {
  it('lists the event files beside the recording, adds, names, saves, deletes and reads back its own', async () => {
    const before = await readFile(edf);
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 900 } });
    await openInViewer(page, session.host.url, edf);
    const list = page.getByRole('region', { name: 'annotations' });
    const items = () => list.getByRole('listitem').allInnerTexts();
    await expect.poll(items).toEqual(['0:20 seiz (15 s)session1.tse', '0:44 seizure onset']);

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('page-position').innerText()).toMatch(/^10–20 s of/);
    await list.getByRole('button', { name: /Add event at 0:10/ }).click();
    await list.getByLabel('event text').fill('chewing, artifact');
    await list.getByRole('button', { name: 'Save events' }).click();
    await expect.poll(() => list.getByRole('status').innerText()).toBe(`Saved to ${edf}.annotations.csv`);
    expect(await readFile(`${edf}.annotations.csv`, 'utf8')).toBe('onset_sec,duration_sec,text\n10,0,"chewing, artifact"\n');
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-events.png') });

    // An EDF+ copy beside it carries the recording's own event and the user's; opened, it lists both as its own.
    await list.getByRole('button', { name: 'Save EDF+ copy' }).click();
    const copy = edf.replace(/\.edf$/, '.annotated.edf');
    await expect.poll(() => list.getByRole('status').innerText()).toBe(`Saved to ${copy}`);
    await openInViewer(page, session.host.url, copy);
    await expect.poll(items).toEqual(['0:10 chewing, artifact', '0:44 seizure onset']);

    await page.reload();
    await openInViewer(page, session.host.url, edf);
    await expect.poll(() => list.getByLabel('event text').inputValue()).toBe('chewing, artifact');
    await list.getByRole('button', { name: 'delete event' }).click();
    await list.getByRole('button', { name: 'Save events' }).click();
    await expect.poll(() => readFile(`${edf}.annotations.csv`, 'utf8')).toBe('onset_sec,duration_sec,text\n');
    await expect.poll(items).toEqual(['0:20 seiz (15 s)session1.tse', '0:44 seizure onset']);
    expect(await readFile(edf)).toEqual(before);
    expect((await stat(join(data, 'session1.tse'))).size).toBeGreaterThan(0);
  });
});
