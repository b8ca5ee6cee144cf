import { describe, expect, it } from 'vitest';
import { syntheticBatch } from '../bench/train-bench';
import { useWasm } from './backend';
import { buildModel } from './build-model';
import { ParallelTrainer } from './parallel';
import { SMALL_NET } from './small-nets.test-support';
import { LocalTrainer } from './trainer';
import type { Trainer } from './trainer-interface';

const ROWS = 5;
const STEPS = 4;

async function run(trainer: Trainer): Promise<{ losses: number[]; weights: Float32Array }> {
  const losses: number[] = [];
  try {
    for (let i = 0; i < STEPS; i++) {
      const { x, y } = syntheticBatch(SMALL_NET, ROWS, 100);
      losses.push(await trainer.step(x, y, ROWS));
    }
    return { losses, weights: trainer.weights.slice() };
  } finally {
    await trainer.close();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('ParallelTrainer', () => {
  it('trains like one thread: the same losses and weights with 1, 2 or 3 workers (to 1e-5)', async () => {
    const local = await run(new LocalTrainer(await useWasm(), buildModel(SMALL_NET, 3), { lr: 1e-2 }));
    expect(local.losses[STEPS - 1]).toBeLessThan(local.losses[0]);
    for (const workers of [1, 2, 3]) {
      const parallel = await run(await ParallelTrainer.start({ spec: SMALL_NET, seed: 3, adam: { lr: 1e-2 }, maxBatch: ROWS, workers }));
      expect(maxDiff(parallel.losses, local.losses), `${workers} workers`).toBeLessThan(1e-5);
      expect(maxDiff(parallel.weights, local.weights), `${workers} workers`).toBeLessThan(1e-5);
    }
  });

  it('uses only as many workers as there are rows, refuses a batch larger than its buffers, and steps no more once closed', async () => {
    const trainer = await ParallelTrainer.start({ spec: SMALL_NET, seed: 3, maxBatch: 2, workers: 3 });
    const alone = await ParallelTrainer.start({ spec: SMALL_NET, seed: 3, maxBatch: 2, workers: 1 });
    try {
      expect(trainer.backend).toEqual({ name: 'wasm', device: 'cpu', threads: 3 });
      const one = syntheticBatch(SMALL_NET, 1, 1);
      // One row on three workers: the two without a row must add nothing (a share of no rows would be NaN or stale).
      const [loss, lossAlone] = [await trainer.step(one.x, one.y, 1), await alone.step(one.x, one.y, 1)];
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBeCloseTo(lossAlone, 6);
      expect(maxDiff(trainer.weights, alone.weights)).toBeLessThan(1e-6);
      const three = syntheticBatch(SMALL_NET, 3, 1);
      await expect(trainer.step(three.x, three.y, 3)).rejects.toThrow("a batch of 3 is larger than this trainer's 2");
    } finally {
      await Promise.all([trainer.close(), alone.close()]);
    }
    const one = syntheticBatch(SMALL_NET, 1, 1);
    await expect(trainer.step(one.x, one.y, 1)).rejects.toThrow('the training workers have stopped');
  });
});
