/** Exposes the typed API to the renderer through contextBridge, and nothing else. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CHANNEL, IPC_EVENT_CHANNEL, type ApiClient, type ApiEventName, type ApiEvents, type ApiName, type ApiReply, type ApiRequest } from '../src-main/core/api';

/**
 * The reply itself, not a thrown error: contextBridge copies an Error's message only, and the page
 * needs the failure's kind and code (the renderer's api-client throws it there).
 */
const client: Pick<ApiClient, 'on'> & {
  invoke<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiReply>;
  onOpen(listener: (path: string) => void): void;
  pathForFile(file: File): string | null;
} = {
  invoke: (name, request) => ipcRenderer.invoke(IPC_CHANNEL, name, request) as Promise<ApiReply>,
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
