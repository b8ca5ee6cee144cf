/**
 * The valid bases the corpus damages, made by the app's own writers: an HMS parquet recording, an
 * EDF+ recording, a dataset folder, a small self-describing ONNX model and a run folder with its
 * checkpoint. Written once under the corpus's shared/ folder; cases read them, never write them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Field, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, type Vector } from 'apache-arrow';
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { HMS_CHANNELS, WINDOW_SAMPLES, type Recording } from '../../core/eeg';
import { TRAIN_COLUMNS } from '../formats/hms-folder';
import { type ModelInfo, PREPROCESS_PRESETS } from '../../core/model-info';
import { describeModel, type ModelSpec } from '../../core/models';
import { DEFAULT_TRAIN_CONFIG } from '../../core/training';
import { encodeEdf } from '../formats/edf-write';
import { writeHmsParquet } from '../formats/parquet-write';
import { exportOnnx } from '../onnx/export';
import { ProtoWriter, readFields } from '../onnx/protobuf';
import { writeCheckpoint } from '../train/checkpoint';
import type { ModelCheckpointMeta } from '../train/run-folder';

export interface Shared {
  dir: string;
  /** A valid 50-s HMS EEG parquet file. */
  parquet: string;
  /** A valid 60-s EDF+C file, 200 Hz, clinical labels. */
  edf: string;
  /** A small model HMS Studio's export wrote (it says how to feed it). */
  model: string;
  /** A PyTorch export that says nothing about itself: it needs --preset notebook. */
  foreignModel: string;
  /** A valid dataset folder: train.csv, test.csv and their EEGs. */
  folder: string;
  /** A run folder: best.ckpt and run.json. */
  run: string;
}

/** The labels a clinical EDF export gives the HMS channels. */
export const CLINICAL_LABELS = [...HMS_CHANNELS.slice(0, 19).map((c) => `EEG ${c}-REF`), 'ECG EKG'];

/** Background-like EEG, ±~60 µV, different per channel and seed. */
export function eegChannels(samples: number, seed = 1, rateHz = 200): Float32Array[] {
  return HMS_CHANNELS.map((_, c) => {
    const out = new Float32Array(samples);
    const f1 = 1 + ((c * 7 + seed) % 9);
    const f2 = 8 + ((c * 3 + seed) % 5);
    for (let i = 0; i < samples; i++) {
      const t = i / rateHz;
      out[i] = Math.round((40 * Math.sin(2 * Math.PI * f1 * t + c) + 15 * Math.sin(2 * Math.PI * f2 * t) + (c - 10)) * 100) / 100;
    }
    return out;
  });
}

/** An HMS EEG parquet, as the competition encodes it. */
export async function writeEegParquet(
  path: string,
  data: (Float32Array | (number | null)[])[] = eegChannels(WINDOW_SAMPLES),
  names: readonly string[] = HMS_CHANNELS,
): Promise<void> {
  await writeHmsParquet(
    path,
    names.map((name, c) => ({ name, type: 'FLOAT' as const, data: data[c] })),
  );
}

/** Any Arrow columns as parquet — text, booleans, doubles, a name twice — which writeHmsParquet never writes. */
export async function writeParquetVectors(path: string, columns: { name: string; vector: Vector }[]): Promise<void> {
  const fields = columns.map((c) => new Field(c.name, c.vector.type, true));
  const length = columns[0]?.vector.length ?? 0;
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children: columns.map((c) => c.vector.data[0]) });
  const table = new Table(new RecordBatch(new Schema(fields), data));
  const properties = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  await writeFile(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties));
}

/** A recording in memory as the EDF writer takes it. */
export function edfRecording(seconds: number, rateHz = 200, labels = CLINICAL_LABELS): Recording {
  const data = eegChannels(Math.round(seconds * rateHz), 3, rateHz).slice(0, labels.length);
  return {
    channels: [...labels],
    sampleRateHz: rateHz,
    data,
    units: labels.map(() => 'uV'),
    annotations: [{ onsetSec: 2, durationSec: 1, text: 'eyes closed' }],
    source: { path: '', format: 'edf+c' },
  };
}

export const encodeEdfSeconds = (seconds: number, rateHz = 200) => encodeEdf(edfRecording(seconds, rateHz));

export const TRAIN_HEADER = TRAIN_COLUMNS.join(',');

/** One train.csv row: EEG `eegId` from 0 s, `votes` in CLASSES order. */
export function trainRow(
  eegId: string | number,
  labelId: string | number,
  patientId: string | number = 7,
  votes: (string | number)[] = [0, 0, 0, 0, 0, 3],
  offset: string | number = 0,
): string {
  return [eegId, 0, offset, eegId, 0, offset, labelId, patientId, 'Other', ...votes].join(',');
}

export interface FolderSpec {
  train?: string;
  test?: string;
  /** train_eegs/<id>.parquet: data for a valid file, or null to leave it out. */
  trainEegs?: Record<string, Float32Array[] | (number | null)[][]>;
  testEegs?: Record<string, Float32Array[] | (number | null)[][]>;
}

export async function writeFolder(dir: string, spec: FolderSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (spec.train !== undefined) await writeFile(join(dir, 'train.csv'), spec.train);
  if (spec.test !== undefined) await writeFile(join(dir, 'test.csv'), spec.test);
  for (const [split, eegs] of [
    ['train', spec.trainEegs],
    ['test', spec.testEegs],
  ] as const) {
    if (!eegs) continue;
    await mkdir(join(dir, `${split}_eegs`), { recursive: true });
    for (const [id, data] of Object.entries(eegs)) await writeEegParquet(join(dir, `${split}_eegs`, `${id}.parquet`), data);
  }
}

/** A valid folder of `n` labelled EEGs (one patient each) and one test EEG. */
export function validFolder(n = 3): FolderSpec {
  const ids = Array.from({ length: n }, (_, i) => String(1000 + i));
  return {
    train: [TRAIN_HEADER, ...ids.map((id, i) => trainRow(id, 5000 + i, 100 + i, i % 2 ? [3, 0, 0, 0, 0, 1] : [0, 0, 0, 0, 1, 3]))].join('\n') + '\n',
    test: 'spectrogram_id,eeg_id,patient_id\n9,2000,100\n',
    trainEegs: Object.fromEntries(ids.map((id, i) => [id, eegChannels(WINDOW_SAMPLES, i + 1)])),
    testEegs: { 2000: eegChannels(WINDOW_SAMPLES, 9) },
  };
}

/** The smallest model of the zoo's layer kinds that takes the notebook's input: mean over time, one dense layer. */
export const TINY_SPEC: ModelSpec = {
  name: 'tiny',
  description: 'corpus model: mean of each chain, then six logits',
  input: { channels: 19, samples: WINDOW_SAMPLES },
  layers: [{ kind: 'globalAvgPool1d' }, { kind: 'dense', units: 6, activation: 'linear' }],
};

export function tinyWeights(fill?: number): Float32Array {
  const n = describeModel(TINY_SPEC).parameters;
  return Float32Array.from({ length: n }, (_, i) => fill ?? Math.sin(i) * 0.01);
}

export const TINY_INFO: ModelInfo = {
  ...PREPROCESS_PRESETS.notebook,
  model: TINY_SPEC.name,
  dataFingerprint: 'corpus',
  validation: { valKL: 1 },
  appVersion: '0.1.0',
};

/** The tiny model's bytes: `metadata` replaces hms.* entries (as stored, strings), `undefined` removes one. */
export function tinyModelBytes(metadata: Record<string, string | undefined> = {}, weights = tinyWeights()): Uint8Array {
  return replaceMetadata(exportOnnx(TINY_SPEC, weights, TINY_INFO), metadata);
}

/** The model with its metadata_props (ModelProto field 14) edited; every other field as it was. */
export function replaceMetadata(bytes: Uint8Array, edits: Record<string, string | undefined>): Uint8Array {
  const decoder = new TextDecoder();
  const props = new Map<string, string>();
  const w = new ProtoWriter();
  for (const f of readFields(bytes)) {
    if (f.field === 14 && f.bytes) {
      const kv = readFields(f.bytes);
      props.set(decoder.decode(kv.find((x) => x.field === 1)?.bytes), decoder.decode(kv.find((x) => x.field === 2)?.bytes));
    } else if (f.value !== undefined) w.int(f.field, Number(f.value));
    else w.bytes(f.field, f.bytes!);
  }
  for (const [k, v] of Object.entries(edits)) {
    if (v === undefined) props.delete(k);
    else props.set(k, v);
  }
  for (const [k, v] of props) w.message(14, (m) => m.string(1, k).string(2, v));
  return w.finish();
}

export function checkpointMeta(overrides: Partial<ModelCheckpointMeta> = {}): ModelCheckpointMeta {
  return {
    spec: TINY_SPEC,
    preprocess: TINY_INFO.preprocess,
    channels: TINY_INFO.channels,
    sampleRateHz: TINY_INFO.sampleRateHz,
    windowSamples: TINY_INFO.windowSamples,
    epoch: 1,
    valKL: 1,
    dataFingerprint: 'corpus',
    config: { ...DEFAULT_TRAIN_CONFIG, cacheDir: 'cache', epochs: 1 },
    ...overrides,
  };
}

export async function writeShared(dir: string): Promise<Shared> {
  await mkdir(dir, { recursive: true });
  const shared: Shared = {
    dir,
    parquet: join(dir, 'base.parquet'),
    edf: join(dir, 'base.edf'),
    model: join(dir, 'model.onnx'),
    foreignModel: join(import.meta.dirname, '../onnx/__fixtures__/torch-convlstm.onnx'),
    folder: join(dir, 'data'),
    run: join(dir, 'run'),
  };
  await writeEegParquet(shared.parquet);
  await writeFile(shared.edf, encodeEdfSeconds(60));
  await writeFile(shared.model, tinyModelBytes());
  await writeFolder(shared.folder, validFolder());
  await mkdir(shared.run, { recursive: true });
  await writeCheckpoint(join(shared.run, 'best.ckpt'), { meta: checkpointMeta(), arrays: { weights: tinyWeights() } });
  await writeFile(join(shared.run, 'run.json'), JSON.stringify({ status: 'finished', evaluation: { valKL: 1, valKL10: 1, priorKL: 1, accuracy: 0.5 } }));
  return shared;
}
