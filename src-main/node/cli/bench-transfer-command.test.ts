import { describe, expect, it } from 'vitest';
import { transferTable, type TransferBenchResult } from '../bench/transfer-bench';
import { parseArgs } from './args';
import { benchTransferCommand } from './bench-transfer-command';
import { type CliIo, UsageError } from './command';

const io: CliIo = { out: () => {}, err: () => {}, json: () => {}, status: () => {}, signal: new AbortController().signal };
const run = (...argv: string[]) => benchTransferCommand.run(parseArgs(argv, benchTransferCommand.options), io);

describe('hms bench transfer', () => {
  it('refuses varieties outside 0–2, seeds that are not whole numbers and a budget of nothing, before training', async () => {
    for (const bad of ['-1', '2.1']) await expect(run('--test-variety', bad)).rejects.toThrow(new UsageError('--test-variety must be a number from 0 to 2'));
    await expect(run('--test-variety', 'wide')).rejects.toThrow(UsageError);
    await expect(run('--variety', '3')).rejects.toThrow(new UsageError('--variety must be a number from 0 to 2'));
    await expect(run('--test-seed', '1.5')).rejects.toThrow(UsageError);
    await expect(run('--minutes', '0')).rejects.toThrow(new UsageError('--minutes must be positive'));
  });

  it('prints both sets against their prior and floor, and the verdict on the other set', () => {
    const row = (set: 'held-out fold' | 'other set', seed: number, variety: number, kl: number) => ({
      set,
      seed,
      variety,
      windows: 50,
      kl,
      priorKL: 1.4,
      floorKL: 0.2,
      klPerPrior: kl / 1.4,
      klPerFloor: kl / 0.2,
    });
    const result: TransferBenchResult = {
      trainSeconds: 300,
      epochs: 30,
      heldOut: row('held-out fold', 1, 1, 0.7),
      transfer: row('other set', 101, 1.6, 0.98),
      goalKLPerPrior: 0.6,
      goalMet: false,
      seconds: 500,
    };
    const lines = transferTable(result);
    expect(lines[0].trim().split(/\s{2,}/)).toEqual(['set', 'seed', 'variety', 'windows', 'KL', 'prior', 'floor', 'KL/prior', 'KL/floor']);
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['held-out fold', '1', '1', '50', '0.700', '1.400', '0.200', '0.50', '3.50']);
    expect(lines[2].trim().split(/\s{2,}/)).toEqual(['other set', '101', '1.6', '50', '0.980', '1.400', '0.200', '0.70', '4.90']);
    expect(lines[3]).toBe('goal missed: on the other set 0.70× its prior, goal ≤ 0.6 (trained 30 epochs in 5.0 min)');
  });
});
