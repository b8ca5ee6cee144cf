/**
 * The cache's preprocessed recordings, read on demand: each `.npy` (channel-major [channels,
 * samples], float32 or float16, held as float32) is cut into blocks of BLOCK_SAMPLES samples of every channel, and a block is read
 * from disk the first time a window needs it, with positioned reads, then kept in a
 * least-recently-used set under a memory budget. Windows of one recording share its blocks, so a
 * budget as large as the data holds each sample once, as loading it whole would; a smaller one
 * keeps memory flat however large the data grows (the full HMS set is ~21 GB as float32).
 *
 * Blocks are read synchronously, a positioned read per channel and run of blocks. Reads awaited
 * one after another on libuv's threads overlapped nothing: onnxruntime's step holds the event loop,
 * so each await waited for it, and a 64-MB budget trained at 0.73× the in-memory rate. Nor are
 * they read in a worker thread beside the step: the step takes every core, so on 2 cores the
 * worker's copying slowed it by about what it hid (measured, then reverted: d03ea95). What brought
 * the streamed rate to the in-memory one is less work on this thread: each byte copied once
 * (readv) and no garbage per batch (the reads refill the arrays of the blocks let go).
 */
import { closeSync, openSync, readvSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../core/eeg';
import type { CacheManifest } from '../cache/build';
import { NPY_BYTES, type NpyDtype, npyValues, parseNpyHeader } from '../formats/npy';

/** 10 s at 200 Hz (40 s at 50 Hz): a 50-s window with its shift context spans 6–7 blocks (2–3 at 50 Hz). */
export const BLOCK_SAMPLES = 2000;

/** Blocks one read scatters into at most: well under the system's limit on a readv's buffers (IOV_MAX, 1024 on Linux). */
const MAX_RUN_BLOCKS = 64;

/** A quarter of the machine's memory (the rest is the model's, the OS's and the user's); a smaller cache simply fits. */
export function defaultMemoryBudgetBytes(): number {
  return Math.floor(totalmem() / 4);
}

/** What one window of a recording asks for: samples [from, to) of every channel. */
export interface SampleSpan {
  eegId: string;
  from: number;
  to: number;
}

interface Recording {
  path: string;
  channels: number;
  samples: number;
  dtype: NpyDtype;
  dataOffset: number;
}

export class WindowStore {
  private readonly blocks = new Map<string, Float32Array>();
  private held = 0;
  /** Arrays of the blocks the current `load` let go, for its reads to fill again. */
  private spare: Float32Array[] = [];
  /** Block arrays allocated so far: fewer than `blockReads` once the budget is full. */
  blockArrays = 0;
  /** Blocks read from disk so far (a block read twice counts twice). */
  blockReads = 0;

  private constructor(
    private readonly recordings: Map<string, Recording>,
    readonly budgetBytes: number,
  ) {}

  /** Reads every recording's `.npy` header (not its samples); `budgetBytes` bounds what is held. */
  static async open(cacheDir: string, manifest: CacheManifest, budgetBytes = defaultMemoryBudgetBytes()): Promise<WindowStore> {
    const recordings = new Map<string, Recording>();
    for (const r of manifest.recordings) {
      const path = join(cacheDir, r.file);
      recordings.set(r.eegId, await readHeader(path));
    }
    return new WindowStore(recordings, budgetBytes);
  }

  /** Samples in recording `eegId`. */
  samples(eegId: string): number {
    return this.recording(eegId).samples;
  }

  /** Bytes of samples held now; at most the budget once a `load` has returned, unless one batch alone needs more. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * Makes every span's blocks present, reading the missing ones, and lets the least recently used
   * go past the budget — before reading, so that the reads refill the arrays let go instead of
   * leaving a batch's worth of garbage each time (a major GC per step at a 64-MB budget).
   */
  async load(spans: readonly SampleSpan[]): Promise<void> {
    const wanted = new Set<string>();
    let incoming = 0;
    for (const s of spans) {
      const r = this.recording(s.eegId);
      for (const b of spanBlocks(s, r)) {
        const key = blockKey(s.eegId, b);
        const block = this.blocks.get(key);
        if (block) this.touch(key, block);
        else if (!wanted.has(key)) incoming += r.channels * blockWidth(r, b) * 4;
        wanted.add(key);
      }
    }
    this.evict(wanted, incoming);
    for (const s of spans) {
      const r = this.recording(s.eegId);
      const missing = spanBlocks(s, r).filter((b) => !this.blocks.has(blockKey(s.eegId, b)));
      if (missing.length) this.readBlocks(s.eegId, r, missing);
    }
    this.spare = [];
  }

  /**
   * Writes samples [from, from + count) of one channel into `out` at `offset`, `offset + stride`, …,
   * each times `scale` (sign flips and amplitude augmentation); their blocks must be loaded.
   */
  copy(eegId: string, channel: number, from: number, count: number, out: Float32Array, place: { offset: number; stride: number; scale: number }): void {
    const channels = this.recording(eegId).channels;
    const { stride, scale } = place;
    let o = place.offset;
    for (let t = from; t < from + count;) {
      const b = Math.floor(t / BLOCK_SAMPLES);
      const block = this.blocks.get(blockKey(eegId, b));
      if (!block) throw new Error(`block ${b} of ${eegId} was not loaded before it was read`);
      const base = channel * (block.length / channels) - b * BLOCK_SAMPLES;
      const stop = Math.min(from + count, (b + 1) * BLOCK_SAMPLES);
      for (; t < stop; t++, o += stride) out[o] = scale * block[base + t];
    }
  }

  private recording(eegId: string): Recording {
    const r = this.recordings.get(eegId);
    if (!r) throw new Error(`recording ${eegId} is not in the cache`);
    return r;
  }

  /**
   * Contiguous runs of missing blocks, one positioned read per channel and run, scattered straight
   * into the blocks' rows (readv) rather than read into one buffer and cut into blocks after, which
   * copied every byte twice. float16 lands beside its block and is widened into it.
   */
  private readBlocks(eegId: string, r: Recording, missing: readonly number[]): void {
    let fd: number;
    try {
      fd = openSync(r.path, 'r');
    } catch (err) {
      throw new DataError(r.path, `cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      for (let i = 0; i < missing.length;) {
        let j = i;
        while (j + 1 < missing.length && missing[j + 1] === missing[j] + 1 && j + 1 - i < MAX_RUN_BLOCKS) j++;
        const widths = missing.slice(i, j + 1).map((b) => blockWidth(r, b));
        const blocks = widths.map((w) => this.blockArray(r.channels * w));
        const size = NPY_BYTES[r.dtype];
        const landing = r.dtype === 'float32' ? blocks : widths.map((w) => new Uint16Array(r.channels * w));
        const runBytes = widths.reduce((a, w) => a + w, 0) * size;
        for (let c = 0; c < r.channels; c++) {
          const rows = landing.map((l, k) => new Uint8Array(l.buffer, c * widths[k] * size, widths[k] * size));
          if (readvSync(fd, rows, r.dataOffset + (c * r.samples + missing[i] * BLOCK_SAMPLES) * size) !== runBytes)
            throw new DataError(r.path, 'the file is shorter than its header says');
        }
        blocks.forEach((block, k) => {
          if (landing[k] !== block) block.set(npyValues(new Uint8Array(landing[k].buffer), r.dtype));
          this.keepBlock(eegId, missing[i + k], block);
        });
        i = j + 1;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** A spare array of that length (every value is read over), else a new one. */
  private blockArray(length: number): Float32Array {
    const i = this.spare.findIndex((b) => b.length === length);
    if (i < 0) {
      this.blockArrays++;
      return new Float32Array(length);
    }
    const block = this.spare[i];
    this.spare[i] = this.spare[this.spare.length - 1];
    this.spare.pop();
    return block;
  }

  private keepBlock(eegId: string, b: number, block: Float32Array): void {
    this.blocks.set(blockKey(eegId, b), block);
    this.held += block.byteLength;
    this.blockReads++;
  }

  /** A Map iterates in insertion order: re-inserting a block makes it the most recently used. */
  private touch(key: string, block: Float32Array): void {
    this.blocks.delete(key);
    this.blocks.set(key, block);
  }

  /** Lets blocks go, least recently used first, until `room` more bytes fit the budget; `keep` stays. */
  private evict(keep: ReadonlySet<string>, room: number): void {
    for (const [key, block] of this.blocks) {
      if (this.held + room <= this.budgetBytes) break;
      if (keep.has(key)) continue;
      this.blocks.delete(key);
      this.held -= block.byteLength;
      this.spare.push(block);
    }
  }
}

const blockKey = (eegId: string, block: number) => `${eegId}#${block}`;

/** Samples in block `b` of the recording: BLOCK_SAMPLES but for its last. */
const blockWidth = (r: Recording, b: number) => Math.min(r.samples, (b + 1) * BLOCK_SAMPLES) - b * BLOCK_SAMPLES;

/** The blocks holding the span's samples that the recording has. */
function spanBlocks(s: SampleSpan, r: Recording): number[] {
  const blocks: number[] = [];
  for (let b = Math.floor(Math.max(0, s.from) / BLOCK_SAMPLES); b * BLOCK_SAMPLES < Math.min(s.to, r.samples); b++) blocks.push(b);
  return blocks;
}

async function readHeader(path: string): Promise<Recording> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(path, `cannot open (${err.code ?? err.message})`);
  });
  try {
    const head = new Uint8Array(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const { shape, dtype, dataOffset } = parseNpyHeader(head.subarray(0, bytesRead), path);
    if (shape.length !== 2) throw new DataError(path, `expected a 2-D array, got shape (${shape.join(', ')})`);
    const { size } = await fh.stat();
    if (size < dataOffset + shape[0] * shape[1] * NPY_BYTES[dtype]) throw new DataError(path, 'the file is shorter than its header says');
    return { path, channels: shape[0], samples: shape[1], dtype, dataOffset };
  } finally {
    await fh.close();
  }
}
