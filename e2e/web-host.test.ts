/**
 * The UI in a real browser against the real backend: `hms serve`'s host, Debian Chromium, files
 * written to disk and read by the real readers. Screenshots go to e2e/artifacts/.
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSession } from './session';
import { writeBenchFolder } from '../src-main/node/bench/preprocess-bench';

let data: string;

const session = useE2eSession('host', async (root) => {
  data = root;
  await writeBenchFolder(data, 2);
});

describe('the app in a browser', () => {
  it('connects with the token, opens a recording and a dataset, and explains a bad file', async () => {
    const page = await session.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(session.host.url);
    await expect.poll(() => page.locator('footer').innerText()).toMatch(/HMS Studio \d+\.\d+\.\d+/);

    await page.getByLabel('path').fill(join(data, 'train_eegs', '1000.parquet'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('hms-parquet · 20 channels · 200 Hz · 50.0 s');

    await page.getByLabel('path').fill(data);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('2 windows · 2 EEGs · 2 patients');
    await page.screenshot({ path: join(ARTIFACTS, 'library-folder.png') });

    const missing = join(data, 'nope.edf');
    await page.getByLabel('path').fill(missing);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe(`${missing}: no such file or folder`);
    await page.screenshot({ path: join(ARTIFACTS, 'library-error.png') });
    expect(problems).toEqual([]);
  });
});

describe('the web host guards its door', () => {
  const connect = (url: string, origin?: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url, origin ? { origin } : {});
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('error', (e) => resolve(e.message));
    });

  it('listens on 127.0.0.1 only and refuses a wrong token or a foreign origin', async () => {
    expect(session.host.url.startsWith('http://127.0.0.1:')).toBe(true);
    const api = `ws://127.0.0.1:${session.host.port}/api`;
    expect(await connect(`${api}?token=${session.host.token}`)).toBe('open');
    expect(await connect(`${api}?token=wrong`)).toMatch(/403/);
    expect(await connect(`${api}?token=${session.host.token}`, 'http://evil.example')).toMatch(/403/);
  });

  it('validates every call', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${session.host.port}/api?token=${session.host.token}`);
    await new Promise((r) => ws.on('open', r));
    const ask = (msg: unknown) =>
      new Promise<Record<string, unknown>>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
      });
    expect(await ask({ id: 1, name: 'inspect', request: { path: 42 } })).toEqual({
      id: 1,
      ok: false,
      error: { kind: 'usage', code: 'bad-request', message: 'path must be a non-empty string' },
    });
    expect(await ask({ id: 2, name: 'rm -rf', request: {} })).toEqual({ id: 2, ok: false, error: { kind: 'usage', code: 'unknown-call', message: 'unknown call "rm -rf"' } });
    expect(await ask('not json')).toMatchObject({ ok: false, error: { kind: 'usage', code: 'bad-message', message: 'messages must be JSON' } });
    ws.close();
  });

  it('serves the built UI with a strict CSP and nothing outside it', async () => {
    const page = await fetch(`http://127.0.0.1:${session.host.port}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
    expect((await fetch(`http://127.0.0.1:${session.host.port}/..%2F..%2Fpackage.json`)).status).toBe(403);
  });
});
