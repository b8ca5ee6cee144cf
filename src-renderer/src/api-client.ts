/**
 * The renderer's only way to the backend. Inside Electron the preload exposes `window.hms`
 * (IPC); the browser transport over the local web host arrives with the app issue.
 */
import type { ApiClient } from '../../src-main/core/api';

export interface DesktopClient extends ApiClient {
  onOpen(listener: (path: string) => void): void;
}

declare global {
  interface Window {
    hms?: DesktopClient;
  }
}

export function connectBackend(): DesktopClient | null {
  return window.hms ?? null;
}
