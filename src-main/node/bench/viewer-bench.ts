/**
 * Viewer rendering speed, measured in headless Chromium as a reader uses it: a generated
 * recording opened through `hms serve`, paged 30 times; each page's render (traces built and
 * painted by uPlot) is timed by the viewer itself ('hms:page-render').
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../generate/dataset';
import { CHROMIUM, launchChromium } from '../chromium';
import { createService } from '../backend/service';
import { startWebHost } from '../backend/web-host';

export async function benchViewer(pages = 30): Promise<Record<string, unknown>> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-viewer-'));
  // A data folder of its own: the viewer's settings (page length, montage) are kept there, and the user's must neither steer the bench nor be overwritten by it.
  const host = await startWebHost({ service: (emit) => createService({ dataDir: join(dir, 'app'), emit }) });
  const browser = await launchChromium();
  try {
    await generateDataset({ out: dir, patients: 1, recordings: 1, testRecordings: 1, seed: 5 });
    const recording = join(dir, 'train_eegs', (await readdir(join(dir, 'train_eegs')))[0]);
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(host.url);
    await page.getByLabel('path').fill(recording);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Open in viewer' }).click();
    await page.getByTestId('eeg-traces').locator('canvas').waitFor();
    for (let i = 0; i < pages; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName('hms:page-render').length);
      await page.keyboard.press(i % 10 < 5 ? 'ArrowRight' : 'ArrowLeft');
      await page.waitForFunction((n) => performance.getEntriesByName('hms:page-render').length > n, before);
    }
    const ms = await page.evaluate(() => performance.getEntriesByName('hms:page-render').map((e) => e.duration));
    const sorted = ms.slice(1).sort((a, b) => a - b);
    return {
      pageRenderMsMedian: sorted[Math.floor(sorted.length / 2)],
      pageRenderMsP90: sorted[Math.floor(sorted.length * 0.9)],
      pages: sorted.length,
      channels: 19,
      secondsPerPage: 10,
    };
  } finally {
    await browser.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
}
