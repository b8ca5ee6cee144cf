/** The backend behind every door (Electron IPC, the web host): one handler per API call. */
import { readFileSync } from 'node:fs';
import { API_VALIDATORS, type ApiFailure, type ApiHandlers, isApiName } from '../core/api';
import { inspectPath } from './inspect';
import { RecordingPages } from './recording-pages';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function createService(): ApiHandlers {
  const pages = new RecordingPages();
  return {
    appInfo: async () => ({ name: 'HMS Studio', version: pkg.version, platform: `${process.platform}-${process.arch}` }),
    inspect: async ({ path }) => inspectPath(path),
    openRecording: async ({ path }) => pages.info(path),
    readPage: async (request) => pages.page(request),
  };
}

/** Validates and dispatches one call from an untrusted transport; failures become readable messages. */
export async function dispatch(handlers: ApiHandlers, name: unknown, request: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiFailure }> {
  try {
    if (!isApiName(name)) throw new Error(`unknown call ${JSON.stringify(name)}`);
    const valid = API_VALIDATORS[name](request);
    const handler = handlers[name] as (r: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(valid) };
  } catch (err) {
    return { ok: false, error: { message: err instanceof Error ? err.message : String(err) } };
  }
}
