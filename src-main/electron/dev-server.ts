/**
 * Where the window's page comes from in development. `electron-vite dev` serves the renderer and
 * sets ELECTRON_RENDERER_URL; only an app run from its sources may follow it (electron-vite's
 * template checks `is.dev`). A packaged app loads nothing but its own files, whatever its
 * environment says: a variable must not be able to point a medical viewer at someone else's page.
 * Its own module, free of `electron`, so that a test can hold it without Electron's binary.
 */
export function devServerUrl(isPackaged: boolean, env: Record<string, string | undefined>): string | null {
  return !isPackaged && env.ELECTRON_RENDERER_URL ? env.ELECTRON_RENDERER_URL : null;
}
