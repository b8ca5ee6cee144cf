/**
 * The packaging check (README "Packaging"): what the installers would ship, checked here, where
 * Electron's binary cannot be downloaded.
 *
 * electron-builder runs on the project (package.json, electron-builder.yml, out/, resources/,
 * node_modules) exactly as `npm run dist` runs it, with three changes: its output in a temporary
 * folder, a
 * stand-in for Electron's binary (`electronDist`) and no fuses (they are flipped in that binary). It
 * writes the real app.asar and app.asar.unpacked/ for this machine's platform and arch; the test then
 * reads them back with @electron/asar and asserts that
 * - every file the built main, preload, renderer page, worker threads and training child reference
 *   (relative imports and chunks, `new URL(…, import.meta.url)`, paths beside `import.meta.dirname`
 *   or under `app.getAppPath()`) is in the archive;
 * - every package they import resolves inside it (package.json `exports`/`main`) and is a production
 *   dependency; workers and the training child never import `electron`;
 * - onnxruntime-node's binary for this platform and arch, and the libraries beside it, are unpacked
 *   (on disk, not only in the archive), and no other platform's binaries are shipped;
 * - every .wasm is unpacked, among them those beside the entries of the packages the app imports;
 * - the archive holds only out/, package.json, the icon and npm's production dependency tree: no tsx,
 *   no devDependency, no TypeScript, no test file, no source map;
 * and, without running electron-builder, that the file patterns keep exactly the right onnxruntime
 * binaries for every target in electron-builder.yml (Windows and macOS too) and that the fuses are set.
 *
 * To see it fail: delete a worker from out/ (then `npm run build` again), or set
 * HMS_PACKAGING_CONFIG=<an altered electron-builder.yml> to package with that instead of the real one.
 * (It runs on the project folder itself, not on a staged copy with node_modules linked in: through
 * such a link npm reads a stale node_modules/.package-lock.json as a tree full of extraneous
 * packages, and electron-builder then leaves every nested dependency out.)
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_ENTRIES } from './node/workers/entries';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'out');
const CONFIG = resolve(process.env.HMS_PACKAGING_CONFIG ?? join(ROOT, 'electron-builder.yml'));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Packages the CLI may import although they are devDependencies: only dynamically, only for developer tools. */
const CLI_DEV_IMPORTS: Record<string, string> = {
  'playwright-core': '`hms bench viewer` drives Chromium; a developer tool, never run by the app',
};

interface BuilderConfig {
  files: (string | object)[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: { target: string; arch: string[] }[] };
  win: { target: { target: string; arch: string[] }[] };
  mac: { target: { target: string; arch: string[] }[] };
}
const config = yaml.load(readFileSync(CONFIG, 'utf8')) as BuilderConfig;

// ---------------------------------------------------------------------------------------------
// The archive

type Entry = { kind: 'file' | 'dir' | 'link'; unpacked: boolean };
type Header = { files?: Record<string, Header>; link?: string; unpacked?: boolean };

class Archive {
  readonly entries = new Map<string, Entry>();
  constructor(readonly path: string) {
    const walk = (node: Header, prefix: string) => {
      for (const [name, child] of Object.entries(node.files ?? {})) {
        const p = prefix ? `${prefix}/${name}` : name;
        const kind = child.files ? 'dir' : child.link !== undefined ? 'link' : 'file';
        this.entries.set(p, { kind, unpacked: child.unpacked === true });
        if (child.files) walk(child, p);
      }
    };
    walk(asar.getRawHeader(path).header as Header, '');
  }
  has(p: string): boolean {
    return p === '' || this.entries.has(p);
  }
  isDir(p: string): boolean {
    return p === '' || this.entries.get(p)?.kind === 'dir';
  }
  read(p: string): string {
    return asar.extractFile(this.path, p).toString('utf8');
  }
  /** Whether the file is marked unpacked and is there on disk beside the archive. */
  unpackedOnDisk(p: string): boolean {
    return this.entries.get(p)?.unpacked === true && existsSync(join(`${this.path}.unpacked`, p));
  }
  files(): string[] {
    return [...this.entries].filter(([, e]) => e.kind === 'file').map(([p]) => p);
  }
}

/** Files read the same way from the archive or from a folder on disk. */
interface Tree {
  has(p: string): boolean;
  isDir(p: string): boolean;
  read(p: string): string;
}

function folderTree(root: string): Tree {
  return {
    has: (p) => existsSync(join(root, p)),
    isDir: (p) => existsSync(join(root, p)) && statSync(join(root, p)).isDirectory(),
    read: (p) => readFileSync(join(root, p), 'utf8'),
  };
}

// ---------------------------------------------------------------------------------------------
// What built JS references

type Ref = { kind: 'relative'; spec: string; target: string } | { kind: 'bare'; spec: string; dynamic: boolean; require: boolean } | { kind: 'template'; spec: string };

const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"'\n]+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"'\n]+)["']\s*\)/g;
const REQUIRE_CALL = /\brequire(?:\.resolve)?\(\s*["']([^"'\n]+)["']\s*\)/g;
const NEW_URL = /\bnew URL\(\s*(["'`])([^"'`\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const PATH_CALL = /\b(?:join|resolve)\(\s*(import\.meta\.dirname|app\.getAppPath\(\))((?:\s*,\s*["'][^"'\n]*["'])+)\s*\)/g;
const ENTRY_CALL = /\b(?:entryFile|startWorker|forkEntry)\(\s*["']([\w-]+)["']/g;

/** The code of a built file without its comment lines (the bundle keeps JSDoc, which quotes code). */
function code(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(?:\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

function referencesOf(file: string, text: string): Ref[] {
  const src = code(text);
  const dir = posix.dirname(file);
  const refs: Ref[] = [];
  const add = (spec: string, dynamic: boolean, isRequire: boolean) => {
    if (spec.startsWith('.') || spec.startsWith('/')) refs.push({ kind: 'relative', spec, target: posix.normalize(posix.join(dir, spec)) });
    else refs.push({ kind: 'bare', spec, dynamic, require: isRequire });
  };
  for (const m of src.matchAll(STATIC_IMPORT)) add(m[1], false, false);
  for (const m of src.matchAll(DYNAMIC_IMPORT)) add(m[1], true, false);
  for (const m of src.matchAll(REQUIRE_CALL)) add(m[1], false, true);
  for (const m of src.matchAll(NEW_URL)) {
    if (m[1] === '`' && m[2].includes('${')) refs.push({ kind: 'template', spec: m[2] });
    else add(m[2], false, false);
  }
  for (const m of src.matchAll(PATH_CALL)) {
    const parts = [...m[2].matchAll(/["']([^"']*)["']/g)].map((p) => p[1]);
    const base = m[1] === 'app.getAppPath()' ? '' : dir;
    refs.push({ kind: 'relative', spec: parts.join('/'), target: posix.normalize(posix.join(base, ...parts)) });
  }
  return refs;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]);

/** Resolves a package export target for the given conditions (Node's algorithm, minus patterns with several `*`). */
function exportTarget(value: unknown, conditions: string[]): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = exportTarget(v, conditions);
      if (t) return t;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'default' || conditions.includes(key)) {
        const t = exportTarget(v, conditions);
        if (t) return t;
      }
    }
  }
  return null;
}

/** Where `spec` imported from `fromFile` lands in `tree`, or why it does not. */
function resolvePackage(tree: Tree, fromFile: string, spec: string, isRequire: boolean): { file: string } | { error: string } {
  const name = packageName(spec);
  const subpath = spec === name ? '.' : `.${spec.slice(name.length)}`;
  let dir = posix.dirname(fromFile);
  for (;;) {
    const root = posix.join(dir === '.' ? '' : dir, 'node_modules', name);
    if (tree.has(`${root}/package.json`)) {
      const meta = JSON.parse(tree.read(`${root}/package.json`)) as { exports?: unknown; main?: string };
      const conditions = ['node', isRequire ? 'require' : 'import'];
      let target: string | null;
      if (meta.exports !== undefined) {
        const exp = meta.exports;
        const isMap = typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
        if (isMap) {
          const map = exp as Record<string, unknown>;
          target = exportTarget(map[subpath], conditions);
          if (!target) {
            const star = Object.keys(map).find((k) => k.includes('*') && subpath.startsWith(k.split('*')[0]) && subpath.endsWith(k.split('*')[1]));
            if (star) {
              const [head, tail] = star.split('*');
              target = exportTarget(map[star], conditions)?.replace('*', subpath.slice(head.length, subpath.length - tail.length)) ?? null;
            }
          }
        } else target = subpath === '.' ? exportTarget(exp, conditions) : null;
        if (!target) return { error: `${spec}: ${root}/package.json exports nothing for ${subpath}` };
      } else target = subpath === '.' ? (meta.main ?? 'index.js') : subpath;
      const base = posix.normalize(posix.join(root, target));
      for (const candidate of [base, `${base}.js`, `${base}.json`, `${base}/index.js`]) {
        if (tree.has(candidate) && !tree.isDir(candidate)) return { file: candidate };
      }
      return { error: `${spec}: ${base} (from ${root}/package.json) is not there` };
    }
    if (dir === '.' || dir === '') return { error: `${spec}: no node_modules/${name} on the way up from ${fromFile}` };
    dir = posix.dirname(dir);
  }
}

interface Graph {
  files: Set<string>;
  missing: string[];
  bare: { spec: string; from: string; dynamic: boolean; require: boolean }[];
  templates: { spec: string; from: string }[];
}

/** Every file reachable from `starts` through relative references (JS and HTML pages), and what they reference. */
function walk(tree: Tree, starts: string[]): Graph {
  const graph: Graph = { files: new Set(), missing: [], bare: [], templates: [] };
  const queue = [...starts];
  for (const s of starts) if (!tree.has(s)) graph.missing.push(`${s} (an entry)`);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (graph.files.has(file) || !tree.has(file)) continue;
    graph.files.add(file);
    if (file.endsWith('.html')) {
      for (const m of tree.read(file).matchAll(/\b(?:src|href)="([^":#?]+)"/g)) {
        const asset = posix.normalize(posix.join(posix.dirname(file), m[1]));
        if (!tree.has(asset)) graph.missing.push(`${asset} (${m[1]} in ${file})`);
        else if (/\.[cm]?js$/.test(asset)) queue.push(asset);
      }
      continue;
    }
    for (const ref of referencesOf(file, tree.read(file))) {
      if (ref.kind === 'bare') graph.bare.push({ spec: ref.spec, from: file, dynamic: ref.dynamic, require: ref.require });
      else if (ref.kind === 'template') graph.templates.push({ spec: ref.spec, from: file });
      else if (!tree.has(ref.target)) graph.missing.push(`${ref.target} (${ref.spec} in ${file})`);
      else if (/\.(?:[cm]?js|html)$/.test(ref.target)) queue.push(ref.target);
      else if (tree.isDir(ref.target) && tree.has(`${ref.target}/index.html`)) queue.push(`${ref.target}/index.html`);
    }
  }
  return graph;
}

// ---------------------------------------------------------------------------------------------
// Running electron-builder

let work: string;
let archive: Archive;
let builderLog = '';

async function packageApp(): Promise<Archive> {
  work = mkdtempSync(join(tmpdir(), 'hms-packaging-'));
  const project = ROOT;

  const electronDist = join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n# a stand-in: the real binary cannot be downloaded here\nexit 1\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  const configFile = join(work, 'builder.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      extends: CONFIG,
      electronDist,
      electronFuses: null,
      directories: { output: join(work, 'dist') },
    }),
  );
  const cli = require.resolve('electron-builder/cli.js');
  const args = [cli, '--dir', '--linux', `--${process.arch}`, '--config', configFile, '--projectDir', project];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      cwd: project,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', DEBUG: '' },
    });
    builderLog = stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`electron-builder failed: ${err.message}\n${(err.stdout ?? '') + (err.stderr ?? '')}`.slice(-6000), { cause: e });
  }
  const unpackedDir = readdirSync(join(work, 'dist')).find((d) => d.endsWith('-unpacked'));
  if (!unpackedDir) throw new Error(`electron-builder wrote no *-unpacked folder\n${builderLog.slice(-4000)}`);
  return new Archive(join(work, 'dist', unpackedDir, 'resources', 'app.asar'));
}

/** The production packages npm installed, as name@version (npm ls --omit=dev). */
function productionPackages(): Set<string> {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Set(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && resolve(l) !== ROOT)
      .map((dir) => {
        const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
        return `${meta.name}@${meta.version}`;
      }),
  );
}

/** The files among node_modules/onnxruntime-node/bin that electron-builder's own matcher keeps for a target. */
function onnxruntimeKept(os: 'linux' | 'win' | 'mac', arch: string): string[] {
  // electron-builder's internals, so that its own glob semantics and macros are what is checked.
  const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
    FileMatcher: new (
      from: string,
      to: string,
      expand: (p: string) => string,
      patterns: string[],
    ) => {
      createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean;
    };
  };
  const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
    expandMacro: (pattern: string, arch: string | null, appInfo: object, extra: object) => string;
  };
  const exclusions = config.files.filter((p): p is string => typeof p === 'string' && p.startsWith('!'));
  // As getNodeModuleFileMatcher builds it: everything, minus every exclusion of `files`.
  const matcher = new FileMatcher(ROOT, ROOT, (p) => expandMacro(p, arch, {}, { os, '/*': '{,/**/*}' }), ['**/*', ...exclusions]);
  const keep = matcher.createFilter();
  const bin = join(ROOT, 'node_modules/onnxruntime-node/bin');
  return readdirSync(bin, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => keep(file, statSync(file)))
    .map((file) => relative(ROOT, file).split('\\').join('/'));
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(process.platform !== 'linux')('the packaged app (electron-builder --dir with a stand-in Electron)', () => {
  beforeAll(async () => {
    if (!existsSync(join(OUT, 'main/index.js'))) throw new Error(`${OUT}/main/index.js is missing: run \`npm run build\` first`);
    archive = await packageApp();
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const entries = () => {
    const names = new Set<string>(Object.keys(RUNTIME_ENTRIES));
    // Also what the built code asks for by name, should the table and the bundle ever disagree.
    for (const f of archive.files().filter((p) => /^out\/main\/[^/]+\.js$/.test(p))) {
      for (const m of code(archive.read(f)).matchAll(ENTRY_CALL)) names.add(m[1]);
    }
    return [...names].map((n) => `out/main/${n}.js`);
  };
  const appGraph = () => walk(archive, [posix.normalize(pkg.main), ...entries(), 'out/preload/index.cjs']);

  it('starts the built main: package.json in the archive names out/main/index.js', () => {
    const meta = JSON.parse(archive.read('package.json')) as { main: string; type: string };
    expect(posix.normalize(meta.main)).toBe('out/main/index.js');
    expect(meta.type).toBe('module');
    expect(archive.has('out/main/index.js')).toBe(true);
  });

  it('holds every file the main, preload, renderer, workers and training child reference', () => {
    const graph = appGraph();
    expect(graph.missing).toEqual([]);
    // The worker threads and the training child, each a file of its own.
    for (const name of Object.keys(RUNTIME_ENTRIES)) expect(graph.files.has(`out/main/${name}.js`), name).toBe(true);
    expect(graph.files.has('out/renderer/index.html')).toBe(true);
    // A `new URL(\`./${…}.js\`, import.meta.url)` can only be the entries' lookup, which the loop above covers.
    for (const t of graph.templates) expect(t.spec, `${t.from}: ${t.spec}`).toMatch(/^\.\/\$\{\w+\}\.js$/);
  });

  it('resolves every package the app imports inside the archive, each a production dependency', () => {
    const graph = appGraph();
    const problems: string[] = [];
    for (const b of graph.bare) {
      if (isBuiltin(b.spec) || b.spec === 'electron') continue;
      const name = packageName(b.spec);
      if (!(name in pkg.dependencies)) problems.push(`${b.from} imports ${b.spec}: not in package.json dependencies`);
      const r = resolvePackage(archive, b.from, b.spec, b.require);
      if ('error' in r) problems.push(`${b.from}: ${r.error}`);
    }
    expect(problems).toEqual([]);
    const imported = new Set(graph.bare.map((b) => packageName(b.spec)));
    for (const must of ['onnxruntime-node', 'parquet-wasm', 'apache-arrow', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
      expect(imported, `${must} is imported by the built app`).toContain(must);
    }
  });

  it('never imports electron in a worker thread or the training child', () => {
    const graph = walk(archive, entries());
    expect(graph.bare.filter((b) => b.spec === 'electron').map((b) => b.from)).toEqual([]);
  });

  it("unpacks onnxruntime-node's binary for this platform and the libraries beside it, and ships no other", () => {
    const binding = archive.read('node_modules/onnxruntime-node/dist/binding.js');
    const m = /require\(`\.\.\/(bin\/napi-v\d+)\/\$\{process\.platform\}\/\$\{process\.arch\}\/([\w.]+)`\)/.exec(binding);
    expect(m, 'how onnxruntime-node loads its binding').not.toBeNull();
    const dir = `node_modules/onnxruntime-node/${m![1]}/${process.platform}/${process.arch}`;
    const natives = archive.files().filter((p) => p.startsWith('node_modules/onnxruntime-node/bin/'));
    expect(natives).toContain(`${dir}/${m![2]}`);
    expect(natives.filter((p) => !archive.unpackedOnDisk(p))).toEqual([]);
    expect(natives.filter((p) => !p.startsWith(`${dir}/`))).toEqual([]);
    // The app loads it through createRequire(import.meta.url).resolve('onnxruntime-node').
    expect(resolvePackage(archive, 'out/main/index.js', 'onnxruntime-node', true)).not.toHaveProperty('error');
  });

  it('unpacks every .wasm, among them those beside the entries of the packages the app imports', () => {
    const wasm = archive.files().filter((p) => p.endsWith('.wasm'));
    expect(wasm.filter((p) => !archive.unpackedOnDisk(p))).toEqual([]);
    const needed = new Set<string>();
    for (const b of appGraph().bare) {
      if (isBuiltin(b.spec) || b.spec === 'electron') continue;
      const r = resolvePackage(archive, b.from, b.spec, b.require);
      if ('file' in r) for (const w of wasm) if (posix.dirname(w) === posix.dirname(r.file)) needed.add(w);
    }
    const names = [...needed].map((p) => posix.basename(p));
    expect(names).toContain('parquet_wasm_bg.wasm');
    expect(names).toContain('tfjs-backend-wasm-simd.wasm');
  });

  it('holds only the built app, its icon and npm’s production tree: no tsx, no devDependency, no sources, tests or maps', () => {
    const top = [...archive.entries.keys()].filter((p) => !p.includes('/'));
    expect(top.sort()).toEqual(['node_modules', 'out', 'package.json', 'resources']);
    const files = archive.files();
    expect(files.filter((p) => /\.(?:[cm]?ts|tsx)$/.test(p))).toEqual([]);
    expect(files.filter((p) => /\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)__tests__\//.test(p))).toEqual([]);
    expect(files.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(files.filter((p) => p.startsWith('resources/'))).toEqual(['resources/icon.png']);

    // electron-builder lays node_modules out anew (it hoists what npm nested), so packages are compared by name@version.
    const packaged = new Set(
      [...archive.entries]
        .filter(([p, e]) => e.kind === 'dir' && /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@]+$/.test(p) && archive.has(`${p}/package.json`))
        .map(([p]) => {
          const meta = JSON.parse(archive.read(`${p}/package.json`)) as { name: string; version: string };
          return `${meta.name}@${meta.version}`;
        }),
    );
    const production = productionPackages();
    expect(production.size).toBeGreaterThan(10);
    expect([...packaged].filter((p) => !production.has(p))).toEqual([]);
    expect([...production].filter((p) => !packaged.has(p))).toEqual([]);
    const names = new Set([...packaged].map((p) => p.slice(0, p.lastIndexOf('@'))));
    for (const dev of ['tsx', 'esbuild', 'electron', 'electron-vite', 'vite', 'vitest', 'typescript', 'playwright-core', 'svelte']) {
      expect(names.has(dev), dev).toBe(false);
    }
    const productionNames = new Set([...production].map((p) => p.slice(0, p.lastIndexOf('@'))));
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !productionNames.has(d));
    expect(devOnly.filter((d) => names.has(d))).toEqual([]);
  });

  it('matches, on this platform, what the file patterns keep of onnxruntime-node', () => {
    const os = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'linux';
    const inArchive = archive.files().filter((p) => p.startsWith('node_modules/onnxruntime-node/bin/'));
    expect(inArchive.sort()).toEqual(onnxruntimeKept(os, process.arch).sort());
  });
});

describe('electron-builder.yml', () => {
  const targets = [
    ...config.linux.target.flatMap((t) => t.arch.map((arch) => ({ os: 'linux' as const, platform: 'linux', target: t.target, arch }))),
    ...config.win.target.flatMap((t) => t.arch.map((arch) => ({ os: 'win' as const, platform: 'win32', target: t.target, arch }))),
    ...config.mac.target.flatMap((t) => t.arch.map((arch) => ({ os: 'mac' as const, platform: 'darwin', target: t.target, arch }))),
  ];

  it('builds an AppImage and a deb for Linux, an NSIS installer for Windows and a dmg for macOS', () => {
    expect(new Set(targets.map((t) => `${t.os}:${t.target}`))).toEqual(new Set(['linux:AppImage', 'linux:deb', 'win:nsis', 'mac:dmg']));
  });

  it.each(targets)("keeps exactly onnxruntime-node's $platform/$arch binaries for $target", ({ os, platform, arch }) => {
    const kept = onnxruntimeKept(os, arch);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((p) => !new RegExp(`^node_modules/onnxruntime-node/bin/napi-v\\d+/${platform}/${arch}/`).test(p))).toEqual([]);
    expect(kept.some((p) => p.endsWith('/onnxruntime_binding.node'))).toBe(true);
  });

  it('unpacks the native binaries and every .wasm', () => {
    expect(config.asarUnpack).toContain('node_modules/onnxruntime-node/bin/**');
    expect(config.asarUnpack).toContain('**/*.wasm');
  });

  it('flips the fuses: no RunAsNode, asar integrity, the app only from app.asar', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true });
  });

  it('lets the CLI import devDependencies only dynamically, and only the developer tools named here', () => {
    const graph = walk(folderTree(OUT), ['main/cli.js']);
    expect(graph.missing).toEqual([]);
    const wrong = graph.bare
      .filter((b) => !isBuiltin(b.spec) && b.spec !== 'electron' && !(packageName(b.spec) in pkg.dependencies))
      .filter((b) => !(b.dynamic && packageName(b.spec) in CLI_DEV_IMPORTS))
      .map((b) => `${b.from} imports ${b.spec}${b.dynamic ? ' (dynamically)' : ''}`);
    expect(wrong).toEqual([]);
  });
});
