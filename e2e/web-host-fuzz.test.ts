/**
 * A client holding the token cannot take the web host down: malformed, oversized, binary and
 * unmasked frames, `null`, a reset mid-handshake, a burst of calls and a client that stops
 * reading each get an answer or lose their own socket, while every other client is served. Runs
 * against the host as shipped (`hms serve` from out/).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltHost, startBuiltHost } from './built-host';

let host: BuiltHost;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-e2e-fuzz-'));
  host = await startBuiltHost({ dataDir: join(dir, 'app') });
});

afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

type Reply = Record<string, unknown> | { closed: number };

async function open(origin?: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, origin ? { origin } : {});
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
}

/** Sends one frame and waits for the answer, or for the socket to close. */
function ask(ws: WebSocket, frame: string | Buffer, binary = false): Promise<Reply> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(String(d))));
    ws.once('close', (code) => resolve({ closed: code }));
    ws.send(frame, { binary });
  });
}

/** The host still answers a well-behaved client, and its process is alive. */
async function stillServing(): Promise<void> {
  expect(host.process.exitCode, host.output()).toBeNull();
  const ws = await open();
  const reply = await ask(ws, JSON.stringify({ id: 'ok', name: 'appInfo', request: {} }));
  expect(reply).toMatchObject({ id: 'ok', ok: true, value: { name: 'HMS Studio' } });
  ws.close();
}

/** A raw TCP connection that has finished the WebSocket handshake, for frames the ws client will not send. */
async function rawSocket(): Promise<Socket> {
  const socket = tcpConnect(host.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    [
      `GET /api?token=${host.token} HTTP/1.1`,
      `Host: 127.0.0.1:${host.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  await new Promise<void>((resolve) => socket.once('data', (d) => (expect(String(d)).toContain('101 Switching Protocols'), resolve())));
  return socket;
}

describe('the web host under a hostile client', () => {
  it('answers null, arrays, numbers, bad JSON and binary frames with an error, on the same socket', async () => {
    const ws = await open();
    for (const frame of ['null', '[]', '42', '"text"', '{"id":', '']) {
      expect(await ask(ws, frame)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/JSON/) } });
    }
    expect(await ask(ws, Buffer.from([1, 2, 3]), true)).toMatchObject({ ok: false, error: { message: 'messages must be text (JSON), not binary' } });
    expect(await ask(ws, JSON.stringify({ id: { huge: true }, name: 'appInfo', request: {} }))).toMatchObject({ ok: true });
    ws.close();
    await stillServing();
  });

  it('answers a message over 1 MiB with an error, and closes only the socket of one past 16 MiB', async () => {
    const ws = await open();
    const big = JSON.stringify({ id: 1, name: 'inspect', request: { path: 'x'.repeat(2 << 20) } });
    expect(await ask(ws, big)).toMatchObject({ ok: false, error: { message: 'a message may hold at most 1048576 bytes' } });
    expect(await ask(ws, 'x'.repeat(17 << 20))).toEqual({ closed: 1009 });
    await stillServing();
  });

  it('survives an unmasked frame and a connection reset mid-handshake', async () => {
    const raw = await rawSocket();
    const closed = new Promise((resolve) => raw.once('close', resolve));
    raw.write(Buffer.from([0x81, 0x04, ...Buffer.from('null')])); // FIN + text, no MASK bit
    await closed;
    const half = tcpConnect(host.port, '127.0.0.1');
    await new Promise((resolve) => half.once('connect', resolve));
    half.write(`GET /api?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
    half.resetAndDestroy();
    await stillServing();
  });

  it('answers 1,000 calls sent at once, each by its id', async () => {
    const ws = await open();
    const answers = new Map<number, unknown>();
    const all = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        answers.set(m.id, m.ok);
        if (answers.size === 1000) resolve();
      }),
    );
    for (let id = 0; id < 1000; id++) ws.send(JSON.stringify({ id, name: id % 2 ? 'appInfo' : 'listModels', request: {} }));
    await all;
    expect([...answers.values()].every((ok) => ok === true)).toBe(true);
    ws.close();
  });

  it('keeps serving others while a client stops reading its answers', async () => {
    const raw = await rawSocket();
    raw.pause();
    const call = Buffer.from(JSON.stringify({ id: 1, name: 'listModels', request: {} }));
    const mask = Buffer.from([1, 2, 3, 4]);
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | call.length]), mask, Buffer.from(call.map((b, i) => b ^ mask[i % 4]))]);
    for (let i = 0; i < 500; i++) raw.write(frame);
    await stillServing();
    raw.destroy();
  });

  it('accepts the page opened as localhost as well as 127.0.0.1, and refuses any other origin', async () => {
    (await open(`http://localhost:${host.port}`)).close();
    (await open(`http://127.0.0.1:${host.port}`)).close();
    await expect(open(`http://localhost.evil.example:${host.port}`)).rejects.toThrow(/403/);
    await expect(open('null')).rejects.toThrow(/403/);
  });
});
