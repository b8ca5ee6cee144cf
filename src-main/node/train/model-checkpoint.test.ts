import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PREPROCESS } from '../../core/preprocess';
import { checkpointMeta, TINY_SPEC, tinyWeights } from '../hostile/shared';
import { writeCheckpoint } from './checkpoint';
import { readModelCheckpoint } from './model-checkpoint';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-ckpt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function written(name: string, meta: unknown, arrays: Record<string, Float32Array> = { weights: tinyWeights() }): Promise<string> {
  const path = join(dir, name);
  await writeCheckpoint(path, { meta, arrays });
  return path;
}

describe('a best checkpoint read for export or evaluation', () => {
  it('reads a sound one', async () => {
    const { meta, weights } = await readModelCheckpoint(await written('ok.ckpt', checkpointMeta()));
    expect(meta.spec.name).toBe(TINY_SPEC.name);
    expect(weights).toHaveLength(120);
  });

  it('refuses, naming the file, metadata that does not match its weights or asks for what cannot be done', async () => {
    const cases: [unknown, Record<string, Float32Array> | undefined, string][] = [
      [{ ...checkpointMeta(), spec: undefined }, undefined, 'its metadata has no model spec'],
      [checkpointMeta(), { other: new Float32Array(2) }, 'it holds no weights'],
      [checkpointMeta(), { weights: new Float32Array(10) }, 'model "tiny" has 120 weights; the file holds 10'],
      [
        checkpointMeta({ preprocess: { ...DEFAULT_PREPROCESS, filter: { ...DEFAULT_PREPROCESS.filter, order: 1000 } } }),
        undefined,
        'its preprocessing: the filter order must be a whole number from 1 to 16, got 1000',
      ],
      [checkpointMeta({ windowSamples: 4000 }), undefined, 'windows of 4000 samples, but the model takes 10000'],
      [null, undefined, 'it holds no metadata'],
    ];
    for (const [i, [meta, arrays, message]] of cases.entries()) {
      const path = await written(`bad${i}.ckpt`, meta, arrays);
      await expect(readModelCheckpoint(path)).rejects.toThrow(`${path}: not a usable checkpoint: ${message}`);
    }
  });

  it('refuses a header that does not list its arrays, and a file that is not one', async () => {
    const header = (json: string) => {
      const body = Buffer.from(json);
      const bytes = Buffer.alloc(12 + body.length);
      bytes.write('HMSCKPT1', 0, 'latin1');
      bytes.writeUInt32LE(body.length, 8);
      body.copy(bytes, 12);
      return bytes;
    };
    await writeFile(join(dir, 'noarrays.ckpt'), header('{"meta":{}}'));
    await expect(readModelCheckpoint(join(dir, 'noarrays.ckpt'))).rejects.toThrow('noarrays.ckpt: not a usable checkpoint: its header does not list its arrays');
    await expect(readModelCheckpoint(dir)).rejects.toThrow(`${dir}: a folder, not a file`);
  });
});
