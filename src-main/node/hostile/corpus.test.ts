/**
 * Every input of the hostile corpus through the built `hms`, as a user runs it: no crash, no hang,
 * no run over the memory cap, nothing written outside --out, every bad input refused in one line
 * naming its file, every valid-but-odd input accepted. Needs the build (npx electron-vite build).
 *
 * HMS_CORPUS_ONLY / HMS_CORPUS_SKIP (regular expressions over case names) pick cases;
 * HMS_CORPUS_REPORT names a JSON file that gets every case's outcome.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmsWith, type HmsResult } from '../cli/run-hms';
import { ALL_CASES, type PreparedCase, writeCorpus } from './corpus';
import type { Format } from './corpus-case';

const TIMEOUT_MS = 45_000;
const RSS_LIMIT = 1.5 * 2 ** 30;
const CONCURRENCY = Number(process.env.HMS_CORPUS_CONCURRENCY) || 3;
const PEAK_MEMORY = join(import.meta.dirname, 'peak-memory.mjs');

const only = process.env.HMS_CORPUS_ONLY ? new RegExp(process.env.HMS_CORPUS_ONLY) : null;
const skip = process.env.HMS_CORPUS_SKIP ? new RegExp(process.env.HMS_CORPUS_SKIP) : null;
const selected = ALL_CASES.filter((c) => (!only || only.test(c.name)) && !(skip && skip.test(c.name)));

let root: string;
let cases: PreparedCase[];
let sharedBefore: Map<string, string>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hms-corpus-'));
  const written = await writeCorpus(root, selected);
  cases = written.cases;
  sharedBefore = await snapshot(written.shared.dir);
  await mkdir(join(root, 'rss'));
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every path under `dir` (links not followed) with its size and mtime, leaving out `skip`. */
async function snapshot(dir: string, skipDirs: string[] = []): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const name of await readdir(d)) {
      const path = join(d, name);
      if (skipDirs.includes(path)) continue;
      const s = await lstat(path);
      out.set(relative(dir, path), `${s.size}:${s.mtimeMs}:${s.mode}`);
      if (s.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
  return [...diff, ...[...before.keys()].filter((p) => !after.has(p)).map((p) => `${p} (removed)`)];
}

interface Outcome {
  name: string;
  format: Format;
  expect: PreparedCase['expect'];
  result: HmsResult;
  ms: number;
  peakRss: number;
  written: string[];
  /** Empty when the case passed. */
  problems: string[];
}

async function runCase(c: PreparedCase): Promise<Outcome> {
  const rssFile = join(root, 'rss', c.name);
  const before = await snapshot(c.dir, [c.out]);
  const start = performance.now();
  const result = await hmsWith(
    {
      timeoutMs: TIMEOUT_MS,
      nodeArgs: ['--max-old-space-size=1024', '--import', PEAK_MEMORY],
      env: { TMPDIR: c.tmp, HMS_PEAK_RSS_FILE: rssFile, HMS_RSS_LIMIT: String(RSS_LIMIT) },
    },
    ...c.args,
  );
  const ms = performance.now() - start;
  const peakRss = Math.max(0, ...(await readFile(rssFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number));
  const written = changes(before, await snapshot(c.dir, [c.out])).filter((p) => !p.startsWith('tmp'));
  // onnxruntime leaves a session id (.ses) and an empty mat-debug-<pid>.log in TMPDIR: its own, not ours.
  const leftInTmp = (await readdir(c.tmp)).filter((f) => f !== '.ses' && !/^mat-debug-\d+\.log$/.test(f));
  return {
    name: c.name,
    format: c.format,
    expect: c.expect,
    result,
    ms,
    peakRss,
    written: [...written, ...leftInTmp.map((f) => `tmp/${f} (left behind)`)],
    problems: judge(c, result, ms, peakRss, written, leftInTmp),
  };
}

function judge(c: PreparedCase, r: HmsResult, ms: number, peakRss: number, written: string[], leftInTmp: string[]): string[] {
  const problems: string[] = [];
  // Progress lines (`preprocess 1/3 ▕██░░▏`) are not messages.
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l && !l.includes('▕'));
  if (r.signal === 'SIGKILL' && ms >= TIMEOUT_MS - 100) problems.push(`hang: killed after ${TIMEOUT_MS / 1000} s`);
  else if (r.signal) problems.push(`crash: ended by ${r.signal}`);
  if (/Fatal|FATAL|Aborted|Segmentation|heap out of memory/.test(r.stderr)) problems.push('crash: V8 or native fatal error');
  if (peakRss > RSS_LIMIT) problems.push(`memory: peak ${(peakRss / 2 ** 30).toFixed(2)} GiB`);
  if (written.length) problems.push(`wrote outside --out: ${written.join(', ')}`);
  if (leftInTmp.length) problems.push(`left in TMPDIR: ${leftInTmp.join(', ')}`);
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(`${r.stderr}\n`)) problems.push('a stack trace');
  if (/\.tmp\b|hms-evaluate-/.test(r.stderr)) problems.push('names a temporary file or folder');
  const command = c.args[0];
  switch (c.expect) {
    case 'refuse':
      if (r.code === 0) problems.push('silently accepted (exit 0)');
      else if (r.code !== 1) problems.push(`exit ${r.code}, expected 1`);
      if (r.code !== 0 && lines.length !== 1) problems.push(`${lines.length} lines on stderr, expected one`);
      if (r.code !== 0 && !lines.some((l) => l.startsWith(`hms ${command}: `) && l.includes(c.names)))
        problems.push(`the message does not name ${relative(c.dir, c.names) || c.names}`);
      if (c.says && !c.says.test(r.stderr)) problems.push(`the message does not say ${c.says}`);
      break;
    case 'usage':
      if (r.code !== 2) problems.push(`exit ${r.code}, expected 2 (a usage error)`);
      if (!lines[0]?.includes(c.names)) problems.push(`the message does not name ${c.names}`);
      break;
    case 'warn':
      if (r.code !== 0) problems.push(`exit ${r.code}, expected 0 with a warning`);
      if (!lines.some((l) => l.includes(c.names))) problems.push('no warning naming the file');
      if (lines.length > 1) problems.push(`${lines.length} lines on stderr, expected one warning`);
      break;
    case 'accept':
      if (r.code !== 0) problems.push(`refused a valid input: exit ${r.code}`);
      break;
  }
  return problems;
}

async function pool<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]);
      }
    }),
  );
  return out;
}

const answer = (o: Outcome) => `${o.result.signal ?? `exit ${o.result.code}`}: ${o.result.stderr.trim().split('\n')[0]?.slice(0, 160) ?? ''}`;

describe('the hostile corpus through the built hms', () => {
  it('holds at least 100 bad inputs across the formats, and valid-but-odd ones', () => {
    const bad = ALL_CASES.filter((c) => c.expect === 'refuse' || c.expect === 'usage');
    expect(bad.length).toBeGreaterThanOrEqual(100);
    for (const f of ['parquet', 'edf', 'bdf', 'folder', 'onnx', 'run', 'path', 'options'] as Format[]) expect(bad.filter((c) => c.format === f).length, f).toBeGreaterThan(0);
    expect(ALL_CASES.filter((c) => c.expect === 'accept').length).toBeGreaterThanOrEqual(15);
  });

  it('refuses every bad input in one line naming the file, and accepts every valid one', async () => {
    const outcomes = await pool(cases, CONCURRENCY, runCase);
    if (process.env.HMS_CORPUS_REPORT) {
      const report = outcomes.map((o) => ({
        name: o.name,
        format: o.format,
        expect: o.expect,
        answer: answer(o),
        ms: Math.round(o.ms),
        peakMiB: Math.round(o.peakRss / 2 ** 20),
        problems: o.problems,
      }));
      await writeFile(process.env.HMS_CORPUS_REPORT, JSON.stringify(report, null, 1));
    }
    expect(changes(sharedBefore, await snapshot(join(root, 'shared'))), 'the shared inputs changed').toEqual([]);
    const failed = outcomes
      .filter((o) => o.problems.length)
      .map(
        (o) =>
          `${o.name} [${o.expect}] ${o.problems.join('; ')}\n    hms ${cases
            .find((c) => c.name === o.name)!
            .args.map((a) => (a.startsWith(root) ? relative(root, a) : a))
            .join(' ')}\n    → ${answer(o)}`,
      );
    expect(failed, failed.join('\n')).toEqual([]);
  }, 600_000);
});
