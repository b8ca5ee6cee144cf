import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../core/eeg';
import { generateDataset } from '../generate/dataset';
import { hms } from './run-hms';

const MODEL = join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx');

let dir: string;
let archive: string;
let recordings: string[];

/** summary.csv as path → row. */
async function summary(out: string): Promise<Map<string, Record<string, string>>> {
  const [header, ...lines] = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  const columns = header.split(',');
  return new Map(
    lines.map((line) => {
      // The error column may be quoted (it holds commas); every other field is plain.
      const fields = line.split(',');
      const row = Object.fromEntries(columns.map((c, i) => [c, i < columns.length - 1 ? fields[i] : fields.slice(i).join(',')]));
      return [row.path, row];
    }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-batch-cli-'));
  await generateDataset({ out: join(dir, 'data'), patients: 2, recordings: 2, testRecordings: 1, seed: 4 });
  // An archive of two sites; one file of it is no EDF at all.
  archive = join(dir, 'archive');
  const generated = (await readdir(join(dir, 'data', 'train_eegs'))).sort();
  recordings = generated.map((f, i) => `${i % 2 ? 'site-b' : 'site-a'}/${f}`);
  for (const [i, rel] of recordings.entries()) {
    await mkdir(join(archive, rel, '..'), { recursive: true });
    await copyFile(join(dir, 'data', 'train_eegs', generated[i]), join(archive, rel));
  }
  await writeFile(join(archive, 'site-b', 'garbage.edf'), 'not an EDF at all');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hms batch on this machine', () => {
  it('classifies a folder into timelines and a summary, parks a bad file with its message, and skips what is done when run again', async () => {
    const out = join(dir, 'results');
    const args = ['batch', archive, '--model', MODEL, '--preset', 'notebook', '--out', out, '--workers', '2', '--stride', '5', '--threshold', '0.18'];
    const first = await hms(...args, '--json');
    expect(first.code, first.stderr).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 5, skipped: 0, done: 4, failed: 1, state: 'finished' });
    expect(first.stderr).toContain('failed: ');
    expect(first.stderr).toContain('garbage.edf: too short for an EDF header');

    const rows = await summary(out);
    expect([...rows.keys()].sort()).toEqual([...recordings, 'site-b/garbage.edf'].sort());
    expect(rows.get('site-b/garbage.edf')).toMatchObject({ status: 'failed', duration_sec: '' });
    expect(rows.get('site-b/garbage.edf')!.error).toContain('too short for an EDF header');
    for (const rel of recordings) {
      const row = rows.get(rel)!;
      expect(row.status).toBe('done');
      const timeline = JSON.parse(await readFile(join(out, `${rel}.timeline.json`), 'utf8'));
      expect(timeline).toMatchObject({ recording: rel, settings: { preset: 'notebook', strideSec: 5 }, model: { fingerprint: row.model_fingerprint } });
      expect(Number(row.windows)).toBe(timeline.timeline.length);
      expect(Number(row.duration_sec)).toBe(timeline.durationSec);
      const csv = (await readFile(join(out, `${rel}.timeline.csv`), 'utf8')).trim().split('\n');
      expect(csv[0]).toBe(['start_sec', ...CLASSES].join(','));
      expect(csv).toHaveLength(timeline.timeline.length + 1);
      // The share is of windows above the threshold, recomputed here from the timeline.
      const above = timeline.timeline.filter((p: { probabilities: Record<string, number> }) => p.probabilities.other > 0.18).length;
      expect(Number(row.other_share)).toBeCloseTo(above / timeline.timeline.length, 3);
    }
    expect([...rows.values()].some((r) => Number(r.other_share) > 0)).toBe(true);

    const status = await hms('batch', '--status', '--out', out);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/finished, reported .* ago/);
    expect(status.stdout).toContain('queued 0  running 0  done 4  failed 1 of 5');
    expect(status.stdout).toContain('thread 2');

    // Run again: what is done stays as it is; the bad file is tried again; a recording touched since is classified again.
    const kept = join(out, `${recordings[0]}.timeline.json`);
    const before = { text: await readFile(kept, 'utf8'), mtimeMs: (await stat(kept)).mtimeMs };
    const touched = join(archive, recordings[1]);
    await utimes(touched, new Date(), new Date(Date.now() - 60_000));
    const again = await hms(...args, '--json');
    expect(again.code, again.stderr).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ total: 5, skipped: 3, done: 1, failed: 1 });
    expect({ text: await readFile(kept, 'utf8'), mtimeMs: (await stat(kept)).mtimeMs }).toEqual(before);
    expect(await summary(out)).toEqual(rows);
  }, 90_000);

  it('takes a list of files, and another stride classifies everything again', async () => {
    const list = join(dir, 'list.txt');
    await writeFile(list, recordings.map((r) => `archive/${r}`).join('\n') + '\nmissing.edf\n');
    const out = join(dir, 'from-list');
    const run = await hms('batch', list, '--model', MODEL, '--preset', 'notebook', '--out', out, '--workers', '1', '--stride', '20', '--json');
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ total: 5, done: 4, failed: 1 });
    const rows = await summary(out);
    // The list's files have their common folder, the list's own, as root.
    expect(rows.get('archive/' + recordings[0])?.status).toBe('done');
    expect(rows.get('missing.edf')?.error).toContain('missing.edf: no such file');
    const restrided = await hms('batch', list, '--model', MODEL, '--preset', 'notebook', '--out', out, '--workers', '1', '--stride', '25', '--json');
    expect(JSON.parse(restrided.stdout)).toMatchObject({ skipped: 0, done: 4 });
  }, 60_000);

  it('refuses a command line it cannot run, in one line', async () => {
    const noModel = await hms('batch', archive, '--out', join(dir, 'x'));
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('--model <file.onnx> is required');
    const badUrl = await hms('batch', archive, '--model', MODEL, '--out', join(dir, 'x'), '--queue', 'http://localhost:6379');
    expect(badUrl.stderr).toContain('is not a Redis URL: it must start with redis://');
    const nothing = await hms('batch', '--status', '--out', join(dir, 'nowhere'));
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nowhere: no batch has run into this results folder');
    const external = await hms('batch', archive, '--model', MODEL, '--out', join(dir, 'x'));
    expect(external.stderr.trim().split('\n')).toHaveLength(1);
    expect(external.stderr).toContain('name a preprocessing preset');
  }, 30_000);
});
