/**
 * The local web host: the built renderer over HTTP and the API contract over a WebSocket, on
 * 127.0.0.1 only, guarded by a random token that only the printed URL carries. For a lab GPU box
 * without a screen, and for the end-to-end tests in a real browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorMessage } from '../../core/errors';
import type { ApiEmit, ApiFailure, ApiHandlers } from '../../core/api';
import { dispatch } from './service';
import { BUNDLED } from '../workers/entries';

/** The built renderer: beside the bundle's main in out/, or out/renderer seen from the sources. */
export const RENDERER_DIR = resolve(import.meta.dirname, BUNDLED ? '../renderer' : '../../../out/renderer');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WebHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export interface WebHostOptions {
  /** Makes the handlers the pages call, given the emit that pushes an API event to every connected page. */
  service: (emit: ApiEmit) => ApiHandlers;
  port?: number;
  staticDir?: string;
  /** How long a call may take before its page is told so (default CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
}

export async function startWebHost({ service, port = 0, staticDir = RENDERER_DIR, callTimeoutMs = CALL_TIMEOUT_MS }: WebHostOptions): Promise<WebHost> {
  const index = await stat(join(staticDir, 'index.html')).catch(() => null);
  if (!index) throw new Error(`no built UI in ${staticDir}: run \`npm run build\` first`);
  const token = randomBytes(24).toString('base64url');
  const tokenOk = (given: string | null) => {
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const server = createServer((req, res) => {
    // A browser cannot read why a WebSocket was refused; the page asks here to tell a wrong token from a backend that is gone.
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/api/status') answerStatus(tokenOk(url.searchParams.get('token')), res);
    else void serveStatic(staticDir, req, res);
  });
  // Past MAX_MESSAGE_BYTES a call is answered with an error; past maxPayload ws closes the socket (1009).
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * MAX_MESSAGE_BYTES });
  let origins: string[] = [];
  const handlers = service((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets.clients) send(ws, message);
  });

  server.on('upgrade', (req, socket, head) => {
    // A peer that resets the connection mid-handshake must not take the host down.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The token keeps out other local users; the Origin check keeps out web pages in this browser.
    if (url.pathname !== '/api' || !tokenOk(url.searchParams.get('token')) || (req.headers.origin !== undefined && !origins.includes(req.headers.origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveApi(ws, handlers, callTimeoutMs));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // The page may have been opened as localhost as well as 127.0.0.1: both are this machine.
  origins = [`http://127.0.0.1:${actualPort}`, `http://localhost:${actualPort}`];
  return {
    url: `${origins[0]}/?token=${token}`,
    token,
    port: actualPort,
    close: () =>
      new Promise<void>((ok) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The largest call a page sends is a path or a training form: a megabyte is far beyond either. */
export const MAX_MESSAGE_BYTES = 1 << 20;
/**
 * Calls of one page run at most this many at a time, the rest wait their turn: file reads use
 * libuv's pool of 4 threads, and one page must not take all of them.
 */
export const MAX_CALLS_PER_PAGE = 2;
/**
 * A call that has not answered by then (a read stuck on a dead network share, say) is answered
 * with an input error (the user's storage, not the program, is what hangs there) and frees its
 * page's turn; what it was doing cannot be cancelled, only left. Long enough for any real call: work that takes minutes (training, preprocessing) runs as a job.
 */
export const CALL_TIMEOUT_MS = 10 * 60_000;
/** A page that stops reading its answers is dropped before they fill the host's memory. */
const MAX_UNREAD_BYTES = 64 << 20;

type Message = { id?: unknown; name?: unknown; request?: unknown };

/** Sends if the socket is open; drops a reader so slow that its unread answers pass MAX_UNREAD_BYTES. */
function send(ws: WebSocket, text: string): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_UNREAD_BYTES) ws.terminate();
  else ws.send(text);
}

/** An answer the host gives itself, the call never reaching the service: `error.kind` says whose fault it is. */
const refusal = (id: unknown, error: ApiFailure) => JSON.stringify({ id: typeof id === 'string' || typeof id === 'number' ? id : null, ok: false, error });

/** Parses one frame into a call, or says why it is not one. */
function parseMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Message | string {
  if (isBinary) return 'messages must be text (JSON), not binary';
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (bytes.length > MAX_MESSAGE_BYTES) return `a message may hold at most ${MAX_MESSAGE_BYTES} bytes`;
  let message: unknown;
  try {
    message = JSON.parse(bytes.toString());
  } catch {
    return 'messages must be JSON';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'a message must be a JSON object {id, name, request}';
  return message as Message;
}

function serveApi(ws: WebSocket, handlers: ApiHandlers, callTimeoutMs: number): void {
  // After a protocol error (an unmasked frame, a payload past maxPayload, a reset) ws closes this
  // socket itself, with the code that says why; without a listener the error would end the host.
  ws.on('error', () => {});
  const turns = new Turns(MAX_CALLS_PER_PAGE);
  ws.on('message', async (data, isBinary) => {
    const message = parseMessage(data, isBinary);
    if (typeof message === 'string') {
      send(ws, refusal(null, { kind: 'usage', code: 'bad-message', message }));
      return;
    }
    await turns.take();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            refusal(message.id, {
              kind: 'input',
              code: 'timeout',
              message: `${String(message.name)} gave no answer within ${callTimeoutMs / 1000} s; the host gave up waiting for it`,
            }),
          ),
        callTimeoutMs,
      );
    });
    try {
      const answer = dispatch(handlers, message.name, message.request).then((reply) => JSON.stringify({ id: message.id, ...reply }));
      send(ws, await Promise.race([answer, late]));
    } catch (err) {
      send(ws, refusal(message.id, { kind: 'internal', code: 'unsendable', message: `the answer could not be sent: ${errorMessage(err)}` }));
    } finally {
      clearTimeout(timer);
      turns.give();
    }
  });
}

/** A counting semaphore: `take` waits while `size` turns are out, in order of asking. */
class Turns {
  private out = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  take(): Promise<void> {
    if (this.out < this.size) {
      this.out++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.out--;
  }
}

/** 204 for the right token, 403 for any other: nothing else, so the answer tells a stranger nothing. */
function answerStatus(ok: boolean, res: ServerResponse): void {
  res.writeHead(ok ? 204 : 403, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(ok ? undefined : 'wrong or expired token');
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
  if (!file.startsWith(root + sep)) {
    res.writeHead(403, headers).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404, headers).end('not found');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
