/**
 * Holds the layering of docs/ARCHITECTURE.md §1: core ← node ← electron, preload over core/api
 * only, the renderer over core only; no shipped code imports test code; and no module reaches
 * itself again through its imports (type-only ones included: a circle of types is still two
 * modules that cannot be read apart). Every import specifier of every source file is checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const LAYERS = ['src-main/core', 'src-main/node', 'src-main/electron', 'src-preload', 'src-renderer'] as const;
type Layer = (typeof LAYERS)[number];

/** `*.test.ts` and the `*.test-support.ts` modules only tests import. */
const TEST_CODE = /\.test(-support)?(\.ts)?$/;

function sources(dir: string): string[] {
  return (
    readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      // Tests and their support modules run in Node whatever layer they test, so only shipped code is judged.
      .filter((e) => e.isFile() && /\.(ts|svelte|mjs)$/.test(e.name) && !TEST_CODE.test(e.name))
      .map((e) => relative(ROOT, join(e.parentPath, e.name)))
  );
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function layerOf(path: string): Layer | 'other' {
  return LAYERS.find((l) => path === l || path.startsWith(`${l}/`)) ?? 'other';
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (s: string) => s.startsWith('node:') || BUILTINS.has(s.split('/')[0]);

/** Why `spec` imported from `file` breaks the layering, or null when it is allowed. */
function violation(file: string, spec: string): string | null {
  // Test code is never bundled: the build follows imports from the entries, and none may lead to it.
  if (TEST_CODE.test(spec)) return 'shipped code may not import test code';
  const from = layerOf(file);
  const relativeSpec = spec.startsWith('.');
  const target = relativeSpec ? layerOf(relative(ROOT, resolve(ROOT, dirname(file), spec))) : null;
  switch (from) {
    case 'src-main/core':
      if (relativeSpec) return target === 'src-main/core' ? null : `core may import only core, not ${target}`;
      return 'core may not import packages or Node/Electron modules';
    case 'src-main/node':
      if (spec === 'electron') return 'node code may not import electron';
      // The app's own manifest, for its version (inlined by the build).
      if (relativeSpec && relative(ROOT, resolve(ROOT, dirname(file), spec)) === 'package.json') return null;
      if (target && target !== 'src-main/core' && target !== 'src-main/node') return `node code may not import ${target}`;
      return null;
    case 'src-main/electron':
      if (target === 'src-renderer' || target === 'src-preload') return `electron main may not import ${target}`;
      return null;
    case 'src-preload':
      if (spec === 'electron') return null;
      if (relativeSpec && relative(ROOT, resolve(ROOT, dirname(file), spec)) === 'src-main/core/api') return null;
      return 'the preload may import only electron and core/api';
    case 'src-renderer':
      if (spec === 'electron' || isBuiltin(spec)) return 'the renderer may not import Node or Electron';
      if (target && target !== 'src-renderer' && target !== 'src-main/core') return `the renderer may not import ${target}`;
      return null;
    default:
      return null;
  }
}

/** The shipped module a relative specifier names, or null for a package or a file outside the sources. */
function resolveModule(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = relative(ROOT, resolve(ROOT, dirname(file), spec));
  return [base, `${base}.ts`, `${base}/index.ts`].find((p) => /\.(ts|svelte)$/.test(p) && existsSync(join(ROOT, p))) ?? null;
}

/** Every circle of the graph, each as the path that closes it (a → … → a). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('import direction', () => {
  const all = LAYERS.flatMap((l) => sources(l).map((file) => ({ file, specs: imports(file) })));

  it('the scanner sees the imports it must judge', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some(({ file, specs }) => file.startsWith('src-main/node/') && specs.includes('../../core/eeg'))).toBe(true);
    expect(all.find(({ file }) => file === 'src-preload/index.ts')?.specs).toContain('electron');
  });

  it('every arrow runs the right way', () => {
    const wrong = all.flatMap(({ file, specs }) => specs.map((spec) => ({ file, spec, why: violation(file, spec) }))).filter((v) => v.why);
    expect(wrong.map((v) => `${v.file}: import '${v.spec}' — ${v.why}`)).toEqual([]);
  });

  it('no module imports itself round a circle', () => {
    const graph = new Map(all.map(({ file, specs }) => [file, specs.map((spec) => resolveModule(file, spec)).filter((m): m is string => m !== null)]));
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
    expect(circles(graph)).toEqual([]);
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual(['a → b → c → a']);
  });

  it('catches the mistakes it exists for', () => {
    expect(violation('src-main/core/eeg.ts', 'node:fs')).toMatch(/core may not/);
    expect(violation('src-main/core/eeg.ts', '../node/backend/service')).toMatch(/core may import only core/);
    expect(violation('src-main/node/cli/main.ts', 'electron')).toMatch(/node code may not import electron/);
    expect(violation('src-main/node/cli/main.ts', '../../electron/main')).toMatch(/may not import src-main\/electron/);
    expect(violation('src-renderer/src/App.svelte', 'node:path')).toMatch(/renderer may not/);
    expect(violation('src-renderer/src/App.svelte', '../../src-main/node/backend/service')).toMatch(/renderer may not import src-main\/node/);
    expect(violation('src-preload/index.ts', '../src-main/node/backend/service')).toMatch(/preload may import only/);
    expect(violation('src-main/node/train/trainer.ts', './small-nets.test-support')).toMatch(/may not import test code/);
  });
});
