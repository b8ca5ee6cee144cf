/**
 * How the web host schedules a page's calls: a few at a time, in order, and a call that does not
 * answer in time is answered with an error while the page goes on. Real service handlers, counted
 * where they are entered; the built UI is served from out/renderer (run `npm run build` first).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../core/api';
import { generateDataset } from '../generate/dataset';
import { createService } from './service';
import { MAX_CALLS_PER_PAGE, startWebHost, type WebHost } from './web-host';

let dir: string;
let recording: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-calls-'));
  await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 1, testRecordings: 1, seed: 3 });
  recording = join(dir, 'data', 'train_eegs', (await readdir(join(dir, 'data', 'train_eegs')))[0]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function page(host: WebHost): Promise<{ call: (name: string, request: unknown) => Promise<Record<string, unknown>>; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answers = new Map<number, (reply: Record<string, unknown>) => void>();
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Record<string, unknown>;
    answers.get(reply.id as number)?.(reply);
  });
  let id = 0;
  return {
    call: (name, request) =>
      new Promise((resolve) => {
        answers.set(++id, resolve);
        ws.send(JSON.stringify({ id, name, request }));
      }),
    close: () => ws.close(),
  };
}

describe("the web host's calls", () => {
  it(`runs at most ${MAX_CALLS_PER_PAGE} of a page's calls at a time and answers every one, in order of asking`, async () => {
    const service = createService({ dataDir: join(dir, 'app') });
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const counted: ApiHandlers = {
      ...service,
      inspect: async (request) => {
        started.push(request.path);
        most = Math.max(most, ++running);
        try {
          return await service.inspect(request);
        } finally {
          running--;
        }
      },
    };
    const host = await startWebHost({ service: () => counted });
    const p = await page(host);
    try {
      const paths = Array.from({ length: 12 }, (_, i) => (i % 2 ? join(dir, 'data') : recording));
      const replies = await Promise.all(paths.map((path) => p.call('inspect', { path })));
      expect(replies.filter((r) => r.ok !== true)).toEqual([]);
      expect(most).toBe(MAX_CALLS_PER_PAGE);
      expect(started).toEqual(paths);
    } finally {
      p.close();
      await host.close();
    }
  }, 60_000);

  it('answers a call that takes too long with an error naming it, and goes on serving the page', async () => {
    const host = await startWebHost({ service: (emit) => createService({ dataDir: join(dir, 'app'), emit }), callTimeoutMs: 1 });
    const p = await page(host);
    try {
      expect(await p.call('inspect', { path: join(dir, 'data') })).toMatchObject({
        ok: false,
        error: { kind: 'input', code: 'timeout', message: 'inspect gave no answer within 0.001 s; the host gave up waiting for it' },
      });
      expect(await p.call('appInfo', {})).toMatchObject({ ok: true, value: { name: 'HMS Studio' } });
    } finally {
      p.close();
      await host.close();
    }
  }, 60_000);
});
