/**
 * The built app is complete and self-contained: every file the bundle in out/ refers to is there
 * (chunks, worker threads, the training child, the preload, the renderer's assets), every package
 * it imports is a runtime dependency, and nothing points back at the TypeScript sources or tsx.
 * `npm test` builds out/ before this runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIME_ENTRIES } from '../src-main/node/workers/entries';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'out');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };

/** Packages the bundle may import: runtime dependencies, Node's own modules, Electron in its own process, and optional engines it probes. */
const IMPORTABLE = new Set([
  ...Object.keys(pkg.dependencies),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  ...builtinModules,
  'electron',
  // Loaded only by `hms bench viewer`, a developer's tool, and reported when absent.
  'playwright-core',
  // Optional native tfjs engines, tried in turn and skipped when not installed.
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-node',
]);

interface Reference {
  from: string;
  target: string;
}

/** Relative files a built module refers to: static and dynamic imports, `new URL(…, import.meta.url)`, and `join(import.meta.dirname, …)`. */
function relativeReferences(file: string, code: string): Reference[] {
  const patterns = [
    /\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g,
    /join\(\s*import\.meta\.dirname\s*,\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((p) => [...code.matchAll(p)].map((m) => ({ from: file, target: resolve(dirname(file), m[1]) })));
}

/** Bare package specifiers a built module imports (static or dynamic with a literal). */
function packageImports(code: string): string[] {
  const patterns = [
    /\bfrom\s*["']([^"'./][^"']*)["']/g,
    /\bimport\s*\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /\bimport\s*["']([^"'./][^"']*)["']/g,
    /\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g,
  ];
  return patterns.flatMap((p) => [...code.matchAll(p)].map((m) => packageName(m[1])));
}

function packageName(specifier: string): string {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function builtFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .map((f) => join(dir, f));
}

describe('the built app in out/', () => {
  const main = builtFiles(join(OUT, 'main'), /\.js$/);
  const preload = builtFiles(join(OUT, 'preload'), /\.c?js$/);

  it('has the Electron main, the CLI and every runtime entry as JS files of their own', () => {
    const names = ['index', 'cli', ...Object.keys(RUNTIME_ENTRIES)];
    const missing = names.filter((n) => !existsSync(join(OUT, 'main', `${n}.js`)));
    expect(missing, 'missing from out/main/ (run `npm run build`)').toEqual([]);
  });

  it('has every file its modules refer to', () => {
    const references = [...main, ...preload].flatMap((f) => relativeReferences(f, readFileSync(f, 'utf8')));
    // The entries are found by name from any chunk: `./<name>.js` beside it.
    for (const name of Object.keys(RUNTIME_ENTRIES)) references.push({ from: 'src-main/node/workers/entries.ts', target: join(OUT, 'main', `${name}.js`) });
    expect(references.length).toBeGreaterThan(Object.keys(RUNTIME_ENTRIES).length + 5);
    const broken = references.filter((r) => !existsSync(r.target)).map((r) => `${relative(ROOT, r.from)} → ${relative(ROOT, r.target)}`);
    expect(broken).toEqual([]);
  });

  it('refers to the preload and the renderer the Electron main loads', () => {
    const index = readFileSync(join(OUT, 'main', 'index.js'), 'utf8');
    const targets = relativeReferences(join(OUT, 'main', 'index.js'), index).map((r) => relative(OUT, r.target));
    expect(targets).toEqual(expect.arrayContaining(['preload/index.cjs', 'renderer/index.html']));
  });

  it("has every asset the renderer's page loads", () => {
    const html = readFileSync(join(OUT, 'renderer', 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?([^"#?]+)"/g)].map((m) => m[1]).filter((a) => !/^[a-z]+:/.test(a));
    expect(assets.length).toBeGreaterThan(1);
    expect(assets.filter((a) => !existsSync(join(OUT, 'renderer', a)))).toEqual([]);
  });

  it('imports only runtime dependencies, never tsx or a TypeScript source', () => {
    const strays = new Set<string>();
    for (const f of [...main, ...preload]) {
      const code = readFileSync(f, 'utf8');
      for (const name of packageImports(code)) if (!IMPORTABLE.has(name)) strays.add(`${relative(ROOT, f)}: ${name}`);
      for (const r of relativeReferences(f, code))
        if (/\.[cm]?tsx?$/.test(r.target) || r.target.includes(`${join(ROOT, 'src-')}`)) strays.add(`${relative(ROOT, f)} → ${relative(ROOT, r.target)}`);
    }
    expect([...strays]).toEqual([]);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
  });
});
