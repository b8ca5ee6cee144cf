/** Exposes the typed API to the renderer through contextBridge, and nothing else. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CHANNEL, IPC_EVENT_CHANNEL, type ApiClient, type ApiEventName, type ApiEvents, type ApiName, type ApiRequest, type ApiResponse } from '../src-main/core/api';

const client: ApiClient & { onOpen(listener: (path: string) => void): void; pathForFile(file: File): string | null } = {
  async call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
    const reply = (await ipcRenderer.invoke(IPC_CHANNEL, name, request)) as { ok: true; value: ApiResponse<K> } | { ok: false; error: { message: string } };
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  },
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
    const relay = (_e: unknown, name: string, payload: ApiEvents[E]) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
    return () => void ipcRenderer.off(IPC_EVENT_CHANNEL, relay);
  },
  onOpen(listener) {
    ipcRenderer.on('hms:open', (_event, path: string) => listener(path));
  },
  // Electron no longer gives File a `path`; only the preload may ask for it.
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('hms', client);
