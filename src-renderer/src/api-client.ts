/**
 * The renderer's only way to the backend: Electron IPC through the preload's `window.hms`, or a
 * WebSocket to the local web host (`hms serve`), whose page URL carries the access token.
 */
import type { ApiClient, ApiEventName, ApiEvents, ApiName, ApiRequest, ApiResponse } from '../../src-main/core/api';

export interface BackendClient extends ApiClient {
  /** Files the desktop menu opens; the browser has no menu, so it never fires there. */
  onOpen(listener: (path: string) => void): void;
  /** The path of a dropped file or folder; null in a browser, which keeps paths to itself. */
  pathForFile(file: File): string | null;
}

declare global {
  interface Window {
    hms?: BackendClient;
  }
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { message: string } };
type Pushed = { event: ApiEventName; payload: unknown };

function webSocketClient(url: string): BackendClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<{ event: ApiEventName; fn: (payload: unknown) => void }>();
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot reach the HMS Studio backend (is `hms serve` running?)')), { once: true });
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Reply | Pushed;
    if ('event' in message) {
      for (const l of listeners) if (l.event === message.event) l.fn(message.payload);
      return;
    }
    const reply = message;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(reply.error.message));
  });
  socket.addEventListener('close', () => {
    for (const w of pending.values()) w.reject(new Error('the connection to the backend closed'));
    pending.clear();
  });
  return {
    async call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
      await opened;
      const id = nextId++;
      return new Promise<ApiResponse<K>>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as ApiResponse<K>), reject });
        socket.send(JSON.stringify({ id, name, request }));
      });
    },
    on<E extends ApiEventName>(event: E, fn: (payload: ApiEvents[E]) => void) {
      const entry = { event, fn: fn as (payload: unknown) => void };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    onOpen() {},
    pathForFile: () => null,
  };
}

export function connectBackend(): BackendClient | null {
  if (window.hms) return window.hms;
  const token = new URLSearchParams(location.search).get('token');
  if (!token || !location.host) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketClient(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`);
}
