/** Opening a recording in the Viewer as a user does, and the pages it then reads. */
import type { Page } from 'playwright-core';
import type { Page as EegPage, PageRequest } from '../src-main/core/api';

/** The Library's path field, Open, Open in viewer, then waiting for the traces. */
export async function openInViewer(page: Page, hostUrl: string, path: string): Promise<void> {
  await page.goto(hostUrl);
  await page.getByLabel('path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('button', { name: 'Open in viewer' }).click();
  await page.getByTestId('eeg-traces').locator('canvas').waitFor();
}

/** Every page the Viewer asked for and was served, in the order they came. */
export function pagesRead(page: Page): { request: PageRequest; value: EegPage }[] {
  const served: { request: PageRequest; value: EegPage }[] = [];
  const asked = new Map<number, PageRequest>();
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { id: number; name: string; request: PageRequest };
      if (m.name === 'readPage') asked.set(m.id, m.request);
    });
    ws.on('framereceived', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { id?: number; ok?: boolean; value?: EegPage };
      const request = m.id === undefined ? undefined : asked.get(m.id);
      if (request && m.ok) served.push({ request, value: m.value! });
    });
  });
  return served;
}
