/**
 * The renderer's only way to the backend: Electron IPC through the preload's `window.hms`, or a
 * WebSocket to the local web host (`hms serve`), whose page URL carries the access token. The
 * WebSocket reconnects with backoff when the connection drops; views re-attach to the backend's
 * jobs when it is open again (`onConnection`).
 */
import type { ApiClient, ApiEventName, ApiEvents, ApiFailure, ApiFailureKind, ApiName, ApiReply, ApiRequest, ApiResponse } from '../../src-main/core/api';

/** `lost`: not connected, retrying (`everOpen` tells a dropped connection from one never made); `denied`: the token was refused — no retry helps. */
export type Connection = { state: 'connecting' } | { state: 'open' } | { state: 'lost'; everOpen: boolean } | { state: 'denied' };

export interface BackendClient extends ApiClient {
  /** Files the desktop menu opens; the browser has no menu, so it never fires there. */
  onOpen(listener: (path: string) => void): void;
  /** The path of a dropped file or folder; null in a browser, which keeps paths to itself. */
  pathForFile(file: File): string | null;
  /** Called at once with the connection's state, then on every change; returns a function that unsubscribes. */
  onConnection(listener: (connection: Connection) => void): () => void;
}

/** What the Electron preload exposes: replies rather than thrown errors, which contextBridge would strip of their kind. */
type Bridge = Omit<BackendClient, 'onConnection' | 'call'> & { invoke(name: ApiName, request: unknown): Promise<ApiReply> };

declare global {
  interface Window {
    hms?: Bridge;
  }
}

/** A call the backend answered with a failure: its kind tells the user's mistake (input) from a bug (internal). */
export class ApiError extends Error {
  readonly kind: ApiFailureKind;
  readonly code: string;
  constructor(failure: ApiFailure) {
    super(failure.message);
    this.name = 'ApiError';
    this.kind = failure.kind;
    this.code = failure.code;
  }
}

/** What a view shows when something failed: a failed call with its kind, or a plain message (a job's outcome, a lost connection). */
export type Problem = ApiError | string;

/** The Problem a caught value is: a failed call keeps its kind; anything else is its message. */
export function problemOf(err: unknown): Problem {
  return err instanceof ApiError ? err : err instanceof Error ? err.message : String(err);
}

function valueOf<T>(reply: ApiReply): T {
  if (!reply.ok) throw new ApiError(reply.error);
  return reply.value as T;
}

export const LOST = 'the connection to the backend was lost';
export const DENIED = 'wrong or expired token: open the address `hms serve` printed (a restarted server has a new token)';
const RETRY_MS = { first: 250, most: 5000 };

type Reply = ApiReply & { id: number };
type Pushed = { event: ApiEventName; payload: unknown };
type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void };

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Why a WebSocket would not open: the host answers its status URL 403 for a wrong token; no answer means it is gone. */
async function probe(statusUrl: string): Promise<'ok' | 'denied' | 'down'> {
  try {
    const response = await fetch(statusUrl, { cache: 'no-store' });
    return response.status === 403 ? 'denied' : 'ok';
  } catch {
    return 'down';
  }
}

function webSocketClient(socketUrl: string, statusUrl: string): BackendClient {
  let nextId = 1;
  const pending = new Map<number, Waiter>();
  const listeners = new Set<{ event: ApiEventName; fn: (payload: unknown) => void }>();
  const watchers = new Set<(c: Connection) => void>();
  let connection: Connection = { state: 'connecting' };
  let ready = deferred();
  let socket: WebSocket | null = null;
  let everOpen = false;
  let delay = RETRY_MS.first;

  const setConnection = (c: Connection) => {
    connection = c;
    for (const w of watchers) w(c);
  };
  const onMessage = (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as Reply | Pushed;
    if ('event' in message) {
      for (const l of listeners) if (l.event === message.event) l.fn(message.payload);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new ApiError(message.error));
  };
  const retry = async () => {
    const status = await probe(statusUrl);
    if (status === 'denied') {
      setConnection({ state: 'denied' });
      ready.reject(new Error(DENIED));
      return;
    }
    if (connection.state !== 'lost') setConnection({ state: 'lost', everOpen });
    setTimeout(connect, delay);
    delay = Math.min(RETRY_MS.most, delay * 2);
  };
  const connect = () => {
    const ws = new WebSocket(socketUrl);
    ws.addEventListener('message', onMessage);
    ws.addEventListener('open', () => {
      socket = ws;
      everOpen = true;
      delay = RETRY_MS.first;
      ready.resolve();
      setConnection({ state: 'open' });
    });
    ws.addEventListener('close', () => {
      if (socket === ws) {
        socket = null;
        ready = deferred();
        for (const w of pending.values()) w.reject(new Error(LOST));
        pending.clear();
        setConnection({ state: 'lost', everOpen });
      }
      void retry();
    });
  };
  connect();

  return {
    async call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
      await ready.promise;
      const open = socket;
      if (!open) throw new Error(LOST);
      const id = nextId++;
      return new Promise<ApiResponse<K>>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as ApiResponse<K>), reject });
        open.send(JSON.stringify({ id, name, request }));
      });
    },
    on<E extends ApiEventName>(event: E, fn: (payload: ApiEvents[E]) => void) {
      const entry = { event, fn: fn as (payload: unknown) => void };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    onConnection(fn) {
      watchers.add(fn);
      fn(connection);
      return () => void watchers.delete(fn);
    },
    onOpen() {},
    pathForFile: () => null,
  };
}

export function connectBackend(): BackendClient | null {
  // The window lives and dies with Electron's main process, which is the backend: IPC is always there.
  const bridge = window.hms;
  if (bridge) {
    return {
      ...bridge,
      call: async <K extends ApiName>(name: K, request: ApiRequest<K>) => valueOf<ApiResponse<K>>(await bridge.invoke(name, request)),
      onConnection: (fn) => (fn({ state: 'open' }), () => {}),
    };
  }
  const token = new URLSearchParams(location.search).get('token');
  if (!token || !location.host) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = `token=${encodeURIComponent(token)}`;
  return webSocketClient(`${scheme}://${location.host}/api?${query}`, `${location.origin}/api/status?${query}`);
}
