import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMS_CHANNELS } from '../../core/eeg';
import { Bool, makeVector, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { withFooterRows } from '../hostile/parquet-cases';
import { writeParquetVectors } from '../hostile/shared';
import { readHmsEegParquet, readHmsParquet, readHmsSpectrogramParquet } from './parquet';
import { writeHmsParquet } from './parquet-write';
import { readParquetFooter } from './parquet-footer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-parquet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function eegColumns(rows: number) {
  return HMS_CHANNELS.map((name, c) => ({
    name,
    type: 'FLOAT' as const,
    // `|| 0`: the dictionary stores one zero, so -0 would read back as +0.
    data: Float32Array.from({ length: rows }, (_, i) => Math.round(100 * (Math.sin(i / (5 + c)) * 40 - c)) / 100 || 0),
  }));
}

describe('HMS EEG parquet', () => {
  it('is written in the encoding of the real files and reads back exactly', async () => {
    const path = join(dir, 'eeg.parquet');
    const cols = eegColumns(10_000);
    await writeHmsParquet(path, cols);

    const bytes = await readFile(path);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
    expect(meta.row_groups).toHaveLength(1);
    expect(Number(meta.num_rows)).toBe(10_000);
    for (const chunk of meta.row_groups[0].columns) {
      expect(chunk.meta_data?.codec).toBe('SNAPPY');
      expect(chunk.meta_data?.type).toBe('FLOAT');
      expect(chunk.meta_data?.encodings).toContain('RLE_DICTIONARY');
    }
    expect(meta.schema.slice(1).every((s) => s.repetition_type === 'OPTIONAL')).toBe(true);
    expect(meta.key_value_metadata?.some((kv) => kv.key === 'pandas')).toBe(true);

    const rec = await readHmsEegParquet(path);
    expect(rec.channels).toEqual(HMS_CHANNELS);
    expect(rec.sampleRateHz).toBe(200);
    expect(rec.source.format).toBe('hms-parquet');
    rec.data.forEach((ch, c) => expect(Array.from(ch)).toEqual(Array.from(cols[c].data)));
  });

  it('reads a missing sample as NaN whether it was written as null or as NaN', async () => {
    const path = join(dir, 'gaps.parquet');
    const cols = eegColumns(500).map((c, i) => {
      if (i === 0) return { ...c, data: Array.from(c.data, (v, k) => (k >= 100 && k < 110 ? null : v)) };
      if (i === 1) return { ...c, data: c.data.map((v, k) => (k < 50 ? NaN : v)) };
      return c;
    });
    await writeHmsParquet(path, cols);
    const rec = await readHmsEegParquet(path);
    expect(rec.data[0].slice(100, 110).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(rec.data[0][99])).toBe(false);
    expect(rec.data[1].slice(0, 50).every(Number.isNaN)).toBe(true);
    expect(rec.data[1][50]).toBeCloseTo(cols[1].data[50] as number, 5);
  });

  it('names the file and the missing columns of a parquet that is not an HMS EEG', async () => {
    const path = join(dir, 'partial.parquet');
    await writeHmsParquet(
      path,
      eegColumns(100).filter((c) => c.name !== 'Cz' && c.name !== 'EKG'),
    );
    await expect(readHmsEegParquet(path)).rejects.toThrow(`${path}: not an HMS EEG file: missing column(s) Cz, EKG`);
  });

  it('rejects truncated and garbled files with a clear message', async () => {
    const good = join(dir, 'good.parquet');
    await writeHmsParquet(good, eegColumns(2000));
    const bytes = await readFile(good);

    const truncated = join(dir, 'truncated.parquet');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readHmsEegParquet(truncated)).rejects.toThrow(`${truncated}: not a readable parquet file`);

    const garbled = join(dir, 'garbled.parquet');
    const copy = Buffer.from(bytes);
    for (let i = copy.length - 200; i < copy.length - 8; i++) copy[i] = (copy[i] * 7 + 13) & 0xff;
    await writeFile(garbled, copy);
    await expect(readHmsEegParquet(garbled)).rejects.toThrow(garbled);

    const text = join(dir, 'text.parquet');
    await writeFile(text, 'eeg_id,offset\n1,2\n');
    await expect(readHmsEegParquet(text)).rejects.toThrow(`${text}: not a readable parquet file`);

    await expect(readHmsEegParquet(join(dir, 'absent.parquet'))).rejects.toThrow('absent.parquet: no such file');
  });

  it('still reads a good file after a corrupt one (the decoder is not left broken)', async () => {
    const path = join(dir, 'after.parquet');
    await writeHmsParquet(path, eegColumns(300));
    const rec = await readHmsEegParquet(path);
    expect(rec.data[0].length).toBe(300);
  });

  it('rejects an HMS EEG file with no rows', async () => {
    const path = join(dir, 'empty.parquet');
    await writeHmsParquet(path, eegColumns(0));
    await expect(readHmsEegParquet(path)).rejects.toThrow(`${path}: `);
  });
});

describe('HMS spectrogram parquet', () => {
  it('reads the time column and the 4 × 100 region bins', async () => {
    const path = join(dir, 'spec.parquet');
    const rows = 30;
    const freqs = Array.from({ length: 100 }, (_, i) => Math.round((0.59 + (i * (19.92 - 0.59)) / 99) * 100) / 100);
    const columns = [
      { name: 'time', type: 'INT64' as const, data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(1 + 2 * i)) },
      ...['LL', 'RL', 'LP', 'RP'].flatMap((r, ri) =>
        freqs.map((f, fi) => ({ name: `${r}_${f}`, type: 'FLOAT' as const, data: Float32Array.from({ length: rows }, (_, t) => ri * 1000 + fi + t / 100) })),
      ),
    ];
    await writeHmsParquet(path, columns);
    const spec = await readHmsSpectrogramParquet(path);
    expect(Array.from(spec.timeSec.slice(0, 3))).toEqual([1, 3, 5]);
    expect(spec.frequenciesHz).toHaveLength(100);
    expect(spec.frequenciesHz[0]).toBeCloseTo(0.59);
    expect(spec.frequenciesHz[99]).toBeCloseTo(19.92);
    expect(spec.power[2][5][7]).toBeCloseTo(2005.07, 3);

    const either = await readHmsParquet(path);
    expect(either.kind).toBe('spectrogram');
  });
});

describe('what an EEG parquet file is not trusted with', () => {
  const columns = (replace: Record<number, Vector> = {}, extra: { name: string; vector: Vector }[] = []) => [
    ...eegColumns(500).map((c, i) => ({ name: c.name, vector: replace[i] ?? (makeVector(c.data) as Vector) })),
    ...extra,
  ];

  it('refuses a channel of text or booleans, and a channel twice, naming the column', async () => {
    const text = join(dir, 'text.parquet');
    await writeParquetVectors(
      text,
      columns({
        0: vectorFromArray(
          Array.from({ length: 500 }, () => '12'),
          new Utf8(),
        ),
      }),
    );
    await expect(readHmsEegParquet(text)).rejects.toThrow(`${text}: not an HMS EEG file: column Fp1 holds Utf8 values, not numbers`);
    const bool = join(dir, 'bool.parquet');
    await writeParquetVectors(
      bool,
      columns({
        2: vectorFromArray(
          Array.from({ length: 500 }, (_, i) => i % 2 === 0),
          new Bool(),
        ),
      }),
    );
    await expect(readHmsEegParquet(bool)).rejects.toThrow('column C3 holds Bool values, not numbers');
    const twice = join(dir, 'twice.parquet');
    await writeParquetVectors(twice, columns({}, [{ name: 'O2', vector: makeVector(new Float32Array(500)) as Vector }]));
    await expect(readHmsEegParquet(twice)).rejects.toThrow(`${twice}: not an HMS EEG file: column O2 appears 2 times`);
    // Text beside the channels is no channel: it is left alone.
    const note = join(dir, 'note.parquet');
    await writeParquetVectors(
      note,
      columns({}, [
        {
          name: 'note',
          vector: vectorFromArray(
            Array.from({ length: 500 }, () => 'ok'),
            new Utf8(),
          ),
        },
      ]),
    );
    expect((await readHmsEegParquet(note)).data[0].length).toBe(500);
  });

  it('reads the row counts of the footer as hyparquet does, and refuses a footer that lies about them', async () => {
    const path = join(dir, 'counted.parquet');
    await writeHmsParquet(path, eegColumns(1234));
    const bytes = new Uint8Array(await readFile(path));
    expect(readParquetFooter(bytes)).toMatchObject({ numRows: 1234, rowGroupRows: [1234], columns: 20 });
    expect(Number(parquetMetadata(bytes.slice().buffer).num_rows)).toBe(1234);
    for (const [rows, message] of [
      [2 ** 40, 'a damaged parquet file: its footer claims 1099511627776 rows, its row groups 1234'],
      [5, 'a damaged parquet file: its footer claims 5 rows, its row groups 1234'],
    ] as const) {
      const lie = join(dir, `lie-${rows}.parquet`);
      await writeFile(lie, withFooterRows(bytes, rows));
      expect(readParquetFooter(new Uint8Array(await readFile(lie)))?.numRows).toBe(rows);
      await expect(readHmsEegParquet(lie)).rejects.toThrow(`${lie}: ${message}`);
    }
  });
});
