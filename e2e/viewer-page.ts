/** Opening a recording in the Viewer as a user does: the Library's path field, Open, Open in viewer, then waiting for the traces. */
import type { Page } from 'playwright-core';

export async function openInViewer(page: Page, hostUrl: string, path: string): Promise<void> {
  await page.goto(hostUrl);
  await page.getByLabel('path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('button', { name: 'Open in viewer' }).click();
  await page.getByTestId('eeg-traces').locator('canvas').waitFor();
}
