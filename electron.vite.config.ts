import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { RUNTIME_ENTRIES } from './src-main/node/workers/entries';

const root = import.meta.dirname;

// Every runtime entry of the backend is an entry of its own in out/main/, beside the Electron
// main and the CLI, with the shared chunks in the same folder: an entry is found at
// `new URL('./<name>.js', import.meta.url)` from any chunk (src-main/node/workers/entries.ts).
const backendEntries = {
  index: resolve(root, 'src-main/electron/main.ts'),
  cli: resolve(root, 'src-main/node/cli/main.ts'),
  ...Object.fromEntries(Object.entries(RUNTIME_ENTRIES).map(([name, source]) => [name, resolve(root, source)])),
};

export default defineConfig({
  main: {
    define: { __HMS_BUNDLE__: 'true' },
    build: {
      // Dependencies stay in node_modules; playwright-core too (a dev tool, loaded only by `hms bench viewer`).
      externalizeDeps: { include: ['playwright-core'] },
      rollupOptions: {
        input: backendEntries,
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    build: { rollupOptions: { input: resolve(root, 'src-renderer/index.html') } },
    plugins: [svelte()],
  },
});
