/** Exposes the typed API to the renderer through contextBridge, and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, type ApiClient, type ApiName, type ApiRequest, type ApiResponse } from '../src-main/core/api';

const client: ApiClient & { onOpen(listener: (path: string) => void): void } = {
  async call<K extends ApiName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
    const reply = (await ipcRenderer.invoke(IPC_CHANNEL, name, request)) as { ok: true; value: ApiResponse<K> } | { ok: false; error: { message: string } };
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  },
  onOpen(listener) {
    ipcRenderer.on('hms:open', (_event, path: string) => listener(path));
  },
};

contextBridge.exposeInMainWorld('hms', client);
