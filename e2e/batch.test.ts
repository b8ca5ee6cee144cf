/**
 * Classifying an archive through the UI, in Chromium against the real backend: a results folder
 * the page may not write is refused in words; a batch started from the Batch view shows its live
 * status, is still shown after a tab switch, stops, goes on and finishes with the counts, the pace,
 * the workers and a row per recording (a bad file failed with its message); a classified recording
 * opens in the Viewer with its timeline as the classifier strip, which pages the viewer.
 */
import { copyFile, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { generateDataset } from '../src-main/node/generate/dataset';
import { encodeEdfSeconds, tinyModelBytes } from '../src-main/node/hostile/shared';

/** Thirty 20-min recordings (hard links to one file): with one worker at a 1-s stride the batch runs long enough to switch tabs, reload and stop it. */
const LONG = 30;
let dir: string;
let archive: string;
let model: string;
let generated: string[];

const session = useE2eSession(
  'batch',
  async (root) => {
    dir = root;
    await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 1, testRecordings: 1, seed: 11 });
    archive = join(dir, 'archive');
    await mkdir(join(archive, 'hms'), { recursive: true });
    await mkdir(join(archive, 'long'), { recursive: true });
    generated = (await readdir(join(dir, 'data', 'train_eegs'))).sort();
    for (const f of generated) await copyFile(join(dir, 'data', 'train_eegs', f), join(archive, 'hms', f));
    await writeFile(join(archive, 'long', 'a00.edf'), encodeEdfSeconds(1200));
    for (let i = 1; i < LONG; i++) await link(join(archive, 'long', 'a00.edf'), join(archive, 'long', `a${String(i).padStart(2, '0')}.edf`));
    await writeFile(join(archive, 'garbage.edf'), 'not an EDF at all');
    model = join(dir, 'tiny.onnx');
    await writeFile(model, tinyModelBytes());
  },
  120_000,
);

const openView = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name }).click();
const counts = (page: Page) => page.getByTestId('batch-counts').innerText();
const folderLine = (page: Page) => page.getByTestId('results-folder').innerText();

describe('the Batch view', () => {
  it('runs a batch on a folder, keeps it across a tab switch, stops and goes on, and opens a result in the Viewer with its strip', async () => {
    const page = await session.browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(session.host.url);
    await openView(page, 'Batch');
    await page.getByLabel('recordings folder').fill(archive);
    await page.getByLabel('model file').fill(model);
    await page.getByLabel('stride').fill('1');
    await page.getByLabel('workers').fill('1');

    // A folder the page may not write into: refused, saying where a batch may write.
    await page.getByLabel('results folder').fill(join(dir, 'data'));
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 30_000 }).toContain(`${join(dir, 'data')} is not a results folder`);

    await page.getByLabel('results folder').fill('');
    await page.getByRole('button', { name: 'Start' }).click();
    const total = generated.length + LONG + 1;
    await expect.poll(() => counts(page), { timeout: 30_000 }).toMatch(new RegExp(`done [1-9]\\d* · failed \\d of ${total}$`));
    expect(await folderLine(page)).toMatch(/going on$/);
    const out = (await page.getByTestId('results-folder').locator('code').innerText()).trim();
    expect(out.startsWith(join(dir, 'app', 'batches'))).toBe(true);

    // Another tab and back: the batch is still shown, as the backend has it.
    await openView(page, 'Library');
    await expect.poll(() => page.getByTestId('batch-counts').count()).toBe(0);
    await openView(page, 'Batch');
    expect(await folderLine(page)).toBe(`Results folder ${out} · going on`);
    await expect.poll(() => counts(page)).toMatch(/^queued \d+ · running [01] · done \d+ · failed \d of \d+$/);
    await page.screenshot({ path: join(ARTIFACTS, 'batch-running.png'), fullPage: true });
    // A page that comes later (a reload) knows nothing of the batch but what the backend tells it.
    await page.reload();
    expect(await folderLine(page)).toBe(`Results folder ${out} · going on`);
    expect(await page.getByLabel('recordings folder').inputValue()).toBe(archive);
    expect(await page.getByLabel('model file').inputValue()).toBe(model);

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => folderLine(page), { timeout: 30_000 }).toMatch(/ · cancelled$/);
    const stopped = /^queued (\d+) · running 0 · done (\d+) · failed (\d) of (\d+)$/.exec(await counts(page));
    expect(stopped, await counts(page)).not.toBeNull();
    const [queued, doneBefore, failedBefore] = stopped!.slice(1, 4).map(Number);
    expect(queued).toBeGreaterThan(0);
    expect(queued + doneBefore + failedBefore).toBe(total);

    await page.getByRole('button', { name: 'Go on' }).click();
    await expect.poll(() => folderLine(page), { timeout: 60_000 }).toMatch(/ · finished$/);
    expect(await counts(page)).toBe(`queued 0 · running 0 · done ${total - 1 - doneBefore} · failed 1 of ${total} (${doneBefore} done before)`);
    const pace = /^(\d+\.\d\d) recordings\/s · ETA 0 s$/.exec(await page.getByTestId('batch-pace').innerText());
    expect(Number(pace?.[1])).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: 'worker threads' }).locator('tbody th').allInnerTexts()).toEqual(['thread 1']);

    const rows = page.getByRole('table', { name: 'results' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(total);
    const garbage = await rows.filter({ hasText: 'garbage.edf' }).locator('td').allInnerTexts();
    expect(garbage.slice(0, 4)).toEqual(['garbage.edf', 'failed', '', '']);
    expect(garbage[5]).toContain('garbage.edf: too short for an EDF header');
    const rel = `hms/${generated[0]}`;
    const cells = await rows.filter({ hasText: rel }).locator('td').allInnerTexts();
    const result = JSON.parse(await readFile(join(out, `${rel}.timeline.json`), 'utf8')) as { durationSec: number; timeline: unknown[] };
    expect(cells.slice(0, 4)).toEqual([rel, 'done', result.durationSec.toFixed(0), String(result.timeline.length)]);
    expect(cells[4]).toMatch(/^(none|((seizure|lpd|gpd|lrda|grda|other) \d+%( · )?)+)$/);
    expect(await rows.filter({ hasText: 'long/a03.edf' }).locator('td').nth(3).innerText()).toBe(String(1200 - 50 + 1));
    await page.screenshot({ path: join(ARTIFACTS, 'batch-finished.png'), fullPage: true });
    // After its end no event comes: a view shown again asks the backend how the batch ended.
    await openView(page, 'Library');
    await openView(page, 'Batch');
    await expect.poll(() => rows.count()).toBe(total);
    expect(await folderLine(page)).toBe(`Results folder ${out} · finished`);
    expect(await counts(page)).toBe(`queued 0 · running 0 · done ${total - 1 - doneBefore} · failed 1 of ${total} (${doneBefore} done before)`);

    // A result opens in the Viewer with its timeline along the recording; a click on it pages there.
    await rows.filter({ hasText: rel }).getByRole('button', { name: rel }).click();
    const position = page.getByTestId('page-position');
    await expect.poll(() => position.innerText(), { timeout: 30_000 }).toMatch(/^0–10 s of \d+ s$/);
    const strip = page.getByTestId('classifier-strip');
    expect(await strip.locator('figcaption').innerText()).toContain(`along the whole recording: ${result.timeline.length} windows every 1 s`);
    expect(await strip.locator('.u-legend').innerText()).toMatch(/seizure[\s\S]*lpd[\s\S]*gpd[\s\S]*lrda[\s\S]*grda[\s\S]*other/);
    await page.screenshot({ path: join(ARTIFACTS, 'batch-viewer-strip.png'), fullPage: true });
    const [saved] = await Promise.all([page.waitForEvent('download'), strip.getByRole('button', { name: 'Save timeline CSV' }).click()]);
    const timeline = (await readFile(await saved.path(), 'utf8')).trim().split('\n');
    expect(timeline[0]).toBe('start_s,end_s,seizure,lpd,gpd,lrda,grda,other');
    expect(timeline.length - 1).toBe(result.timeline.length);
    const box = (await strip.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2);
    await expect.poll(async () => Number((await position.innerText()).split('–')[0]), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 240_000);
});
