/**
 * Checkpoints: one self-contained binary file each, written to a temp file and renamed, so a kill
 * at any moment leaves the previous checkpoint whole. Layout: `HMSCKPT1`, a little-endian u32
 * byte length of a JSON header, the header (padded with spaces to a multiple of 4), then the
 * float32 arrays the header lists, back to back.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../../core/eeg';
import { readInputFile } from '../formats/input-file';
import { writeFileAtomic } from '../fs-atomic';

const MAGIC = 'HMSCKPT1';

export interface Checkpoint<M> {
  meta: M;
  arrays: Record<string, Float32Array>;
}

export async function writeCheckpoint<M>(path: string, { meta, arrays }: Checkpoint<M>): Promise<void> {
  const names = Object.keys(arrays);
  let json = JSON.stringify({ meta, arrays: names.map((name) => ({ name, length: arrays[name].length })) });
  const headerStart = MAGIC.length + 4;
  json += ' '.repeat((4 - ((headerStart + Buffer.byteLength(json)) % 4)) % 4);
  const header = Buffer.from(json, 'utf8');
  const dataStart = headerStart + header.length;
  const bytes = new Uint8Array(dataStart + names.reduce((n, k) => n + arrays[k].byteLength, 0));
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, header.length, true);
  bytes.set(header, headerStart);
  let offset = dataStart;
  for (const name of names) {
    const a = arrays[name];
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  await writeFileAtomic(path, bytes);
}

/** Whether the file begins as a checkpoint does, so that a command given any model file knows which kind it is; false when it cannot be read. */
export async function startsAsCheckpoint(path: string): Promise<boolean> {
  const file = await open(path).catch(() => null);
  if (!file) return false;
  try {
    const head = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await file.read(head, 0, MAGIC.length, 0);
    return bytesRead === MAGIC.length && head.toString('latin1') === MAGIC;
  } finally {
    await file.close();
  }
}

export async function readCheckpoint<M>(path: string): Promise<Checkpoint<M>> {
  const bytes = await readInputFile(path);
  const fail = (problem: string) => new DataError(path, `not a usable checkpoint: ${problem}`);
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) throw fail('it does not start with HMSCKPT1');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const dataStart = MAGIC.length + 4 + headerLength;
  if (dataStart > bytes.length) throw fail('its header runs past the end of the file');
  let header: { meta: M; arrays: { name: string; length: number }[] };
  try {
    header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, dataStart));
  } catch {
    throw fail('its header is not JSON');
  }
  const listed = (header as { arrays?: unknown } | null)?.arrays;
  if (!Array.isArray(listed) || listed.some((a) => typeof a?.name !== 'string' || !Number.isInteger(a?.length) || a.length < 0)) {
    throw fail('its header does not list its arrays (name and length of each)');
  }
  const total = header.arrays.reduce((n, a) => n + a.length * 4, 0);
  if (dataStart + total !== bytes.length) throw fail(`it should hold ${dataStart + total} bytes but holds ${bytes.length}`);
  // A copy: the file's buffer is not float-aligned in general.
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.length));
  const arrays: Record<string, Float32Array> = {};
  let offset = 0;
  for (const { name, length } of header.arrays) {
    arrays[name] = floats.subarray(offset, offset + length);
    offset += length;
  }
  return { meta: header.meta, arrays };
}
