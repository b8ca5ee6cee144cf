// ESLint flat config: the recommended sets of ESLint, typescript-eslint and eslint-plugin-svelte, not type-aware
// (`npm run typecheck` already runs tsc and svelte-check; type-aware rules would double the cost on a 2-core machine).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
  // `*.config.ts.<stamp>.mjs`: the bundled config electron-vite and vite write for a moment while they start.
  globalIgnores(['out/', 'dist/', 'demo-out/', '.cache/', '.scratch/', 'e2e/artifacts/', '**/*.config.ts.*.mjs']),
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  { languageOptions: { globals: globals.node } },
  // The renderer runs in a browser page; the preload and the e2e tests' page.evaluate callbacks see both worlds.
  { files: ['src-renderer/**'], languageOptions: { globals: globals.browser } },
  { files: ['src-preload/**', 'e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
