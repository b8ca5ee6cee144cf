/**
 * Viewer paging speed, measured in headless Chromium as a reader uses it: a 1-hour 19-channel
 * 256-Hz EDF opened through `hms serve` (read by data records, as any clinical file is), paged 30
 * times with the arrow keys. Each flip is timed from just before the key press to the end of the
 * page's paint (`pageFlipMs`: the page read over the WebSocket, filtered and drawn), and the
 * render alone (traces built and painted by uPlot) as the viewer times it ('hms:page-render').
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, launchChromium } from '../chromium';
import { createService } from '../backend/service';
import { startWebHost } from '../backend/web-host';
import { writeLongEdf } from './edf-day-bench';
import { median } from './median';

export async function benchViewer(pages = 30): Promise<Record<string, unknown>> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const dir = await mkdtemp(join(tmpdir(), 'hms-bench-viewer-'));
  // A data folder of its own: the viewer's settings (page length, montage) are kept there, and the user's must neither steer the bench nor be overwritten by it.
  const host = await startWebHost({ service: (emit) => createService({ dataDir: join(dir, 'app'), emit }) });
  const browser = await launchChromium();
  try {
    const recording = join(dir, 'hour.edf');
    await writeLongEdf(recording, 3600);
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(host.url);
    await page.getByLabel('path').fill(recording);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: 'Open in viewer' }).click();
    await page.getByTestId('eeg-traces').locator('canvas').waitFor();
    const flips: number[] = [];
    for (let i = 0; i < pages; i++) {
      const { before, pressedAt } = await page.evaluate(() => ({ before: performance.getEntriesByName('hms:page-render').length, pressedAt: performance.now() }));
      await page.keyboard.press(i % 10 < 5 ? 'ArrowRight' : 'ArrowLeft');
      const paintedAt = await page.waitForFunction((n) => {
        const renders = performance.getEntriesByName('hms:page-render');
        return renders.length > n && renders[n].startTime + renders[n].duration;
      }, before);
      flips.push(Number(await paintedAt.jsonValue()) - pressedAt);
    }
    const renders = await page.evaluate(() => performance.getEntriesByName('hms:page-render').map((e) => e.duration));
    const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
    return {
      pageFlipMsMedian: median(flips),
      pageFlipMsP90: p90(flips),
      pageRenderMsMedian: median(renders.slice(1)),
      pageRenderMsP90: p90(renders.slice(1)),
      pages: flips.length,
      recording: '1-h EDF, 19 channels + ECG at 256 Hz',
      secondsPerPage: 10,
    };
  } finally {
    await browser.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
}
