import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unavailableReason } from '../onnx/providers';
import { parseArgs } from './args';
import { benchTrainCommand } from './bench-train-command';
import { type CliIo, UsageError } from './command';

function capture(): { io: CliIo; out: string[]; json: unknown[] } {
  const out: string[] = [];
  const json: unknown[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: () => {}, json: (v) => json.push(v), status: () => {}, signal: new AbortController().signal };
  return { io, out, json };
}

const run = (argv: string[], io: CliIo) => benchTrainCommand.run(parseArgs(argv, benchTrainCommand.options), io);

describe('hms bench train', () => {
  it('trains the reference net and prints samples/s, backend and threads as one JSON object', async () => {
    const { io, json } = capture();
    expect(await run(['--steps', '1', '--workers', '2', '--no-models', '--no-pytorch', '--json'], io)).toBe(0);
    expect(json).toHaveLength(1);
    const r = json[0] as Record<string, unknown>;
    expect(r).toMatchObject({ backend: 'onnxruntime', device: 'cpu', threads: availableParallelism(), workers: 0, models: {} });
    expect(r.engines).toMatchObject({ onnxruntime: { backend: 'onnxruntime', workers: 0 }, tfjs: { backend: 'wasm', threads: 2, workers: 2 } });
    expect(r.trainSamplesPerSec).toBeGreaterThan(0);
    expect(r.ratio).toBeGreaterThan(0);
    expect(r.pytorch).toBeUndefined();
  });

  it('says it in words without --json', async () => {
    const { io, out, json } = capture();
    expect(await run(['--steps', '1', '--workers', '1', '--no-models', '--no-pytorch', '--engine', 'tfjs'], io)).toBe(0);
    expect(json).toHaveLength(0);
    expect(out[0]).toMatch(/^train: [\d.]+ samples\/s \(median [\d.]+ ms a step of 32, 1 timed step\)$/);
    expect(out[1]).toBe('backend wasm · CPU · 1 thread · 1 worker');
    expect(out).toHaveLength(2);
  });

  it('says in one line why PyTorch was not timed beside the engines where no python with torch is found', async () => {
    const saved = process.env.HMS_PYTHON;
    process.env.HMS_PYTHON = '/nonexistent/python3';
    try {
      const { io, out, json } = capture();
      expect(await run(['--steps', '1', '--workers', '1', '--no-models', '--engine', 'tfjs'], io)).toBe(0);
      expect(out.at(-1)).toMatch(/^ {2}PyTorch not timed: no python with torch \(\/nonexistent\/python3: .+\); set HMS_PYTHON to one$/);
      expect(await run(['--steps', '1', '--workers', '1', '--no-models', '--engine', 'tfjs', '--json'], io)).toBe(0);
      expect((json[0] as { pytorch: unknown }).pytorch).toEqual({ unavailable: expect.stringMatching(/^no python with torch/) });
    } finally {
      if (saved === undefined) delete process.env.HMS_PYTHON;
      else process.env.HMS_PYTHON = saved;
    }
  });

  it("times PyTorch twice in the same turns, at its best and on glibc's default malloc, and gives our speed over each", async () => {
    // A stand-in for python with torch: 10 ms a step with the heap-keeping malloc settings, 40 ms without.
    const dir = mkdtempSync(join(tmpdir(), 'hms-fake-python-'));
    const python = join(dir, 'python3');
    writeFileSync(
      python,
      '#!/bin/sh\nms=40; [ -n "$MALLOC_MMAP_THRESHOLD_" ] && ms=10\necho \'{"ready":true,"version":"fake","threads":2}\'\nwhile read -r step; do echo $ms; done\n',
      { mode: 0o755 },
    );
    const saved = process.env.HMS_PYTHON;
    process.env.HMS_PYTHON = python;
    try {
      const { io, out, json } = capture();
      expect(await run(['--steps', '1', '--no-models', '--engine', 'onnxruntime', '--json'], io)).toBe(0);
      const r = json[0] as Record<string, { trainSamplesPerSec: number } & Record<string, unknown>> & { vsPyTorch: number; vsPyTorchDefaultMalloc: number };
      expect(r.pytorch).toEqual({ trainSamplesPerSec: 3200, medianStepMs: 10, version: 'fake', threads: 2 });
      expect(r.pytorchDefaultMalloc).toEqual({ trainSamplesPerSec: 800, medianStepMs: 40, version: 'fake', threads: 2 });
      expect(r.vsPyTorchDefaultMalloc / r.vsPyTorch).toBeCloseTo(4, 10);
      expect(await run(['--steps', '1', '--no-models', '--engine', 'onnxruntime'], io)).toBe(0);
      expect(out.slice(-2)).toEqual([
        "  beside the same PyTorch on glibc's default malloc: 800.0 samples/s (median 40.0 ms)",
        expect.stringMatching(/^ {2}onnxruntime ÷ PyTorch on default malloc: [\d.]+×$/),
      ]);
    } finally {
      if (saved === undefined) delete process.env.HMS_PYTHON;
      else process.env.HMS_PYTHON = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(unavailableReason('cuda'))('says in one line why --device cuda trains on the CPU here', async () => {
    const { io, out } = capture();
    expect(await run(['--steps', '1', '--no-models', '--no-pytorch', '--engine', 'onnxruntime', '--device', 'cuda'], io)).toBe(0);
    expect(out[1]).toBe(`backend onnxruntime · CPU · ${availableParallelism()} threads`);
    expect(out[2]).toBe(`  on the CPU: ${unavailableReason('cuda')}`);
  });

  it('rejects a step or worker count that is not a positive whole number', async () => {
    const { io } = capture();
    await expect(run(['--steps', '0'], io)).rejects.toThrow(UsageError);
    await expect(run(['--workers', '1.5'], io)).rejects.toThrow('--workers must be a whole number ≥ 1');
    await expect(run(['--engine', 'pytorch'], io)).rejects.toThrow('--engine must be one of onnxruntime, tfjs, both');
    await expect(run(['--device', 'tpu'], io)).rejects.toThrow('--device must be one of cpu, auto, cuda, dml, coreml, webgpu');
  });
});
