/**
 * Whole-number options: a count, a seed, a thread count or a port given as 2.5 is a wrong command
 * line, said before any work starts, never rounded somewhere deep down or handed to Node raw.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, wholeNumberOption } from './args';
import { benchCommand } from './bench-command';
import { type CliIo, type Command, UsageError } from './command';
import { demoCommand } from './demo-command';
import { generateCommand } from './generate-command';
import { preprocessCommand } from './preprocess-command';
import { serveCommand } from './serve-command';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-args-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Already cancelled: a command that wrongly took the number stops at once instead of working.
const io: CliIo = { out: () => {}, err: () => {}, json: () => {}, status: () => {}, signal: AbortSignal.abort() };
const run = (command: Command, ...argv: string[]) => command.run(parseArgs(argv, command.options), io);

describe('wholeNumberOption', () => {
  const args = (...argv: string[]) => parseArgs(argv, { n: { values: 1 } });

  it('takes a whole number in range, and the fallback when the option is absent', () => {
    expect(wholeNumberOption(args('--n', '3'), 'n', { min: 1 })).toBe(3);
    expect(wholeNumberOption(args('--n', '0'), 'n', { min: 0, max: 65535 })).toBe(0);
    expect(wholeNumberOption(args(), 'n', { min: 1 }, 7)).toBe(7);
    expect(wholeNumberOption(args(), 'n', { min: 1 })).toBeUndefined();
  });

  it('refuses a fraction, and a number out of range, naming the range', () => {
    expect(() => wholeNumberOption(args('--n', '2.5'), 'n', { min: 1 })).toThrow(new UsageError('--n must be a whole number ≥ 1'));
    expect(() => wholeNumberOption(args('--n', '0'), 'n', { min: 1 })).toThrow('--n must be a whole number ≥ 1');
    expect(() => wholeNumberOption(args('--n', '70000'), 'n', { min: 0, max: 65535 })).toThrow('--n must be a whole number from 0 to 65535');
  });
});

describe('commands with whole-number options', () => {
  it('refuse a fractional seed, thread count, file count or port', async () => {
    await expect(run(generateCommand, '--out', join(dir, 'data'), '--seed', '2.5')).rejects.toThrow(new UsageError('--seed must be a whole number ≥ 0'));
    await expect(run(demoCommand, '--out', join(dir, 'demo'), '--seed', '2.5')).rejects.toThrow(new UsageError('--seed must be a whole number ≥ 0'));
    await expect(run(preprocessCommand, join(dir, 'data'), '--out', join(dir, 'cache'), '--threads', '1.5')).rejects.toThrow(
      new UsageError('--threads must be a whole number ≥ 1'),
    );
    await expect(run(benchCommand, 'preprocess', '--files', '2.5')).rejects.toThrow(new UsageError('--files must be a whole number ≥ 1'));
    await expect(run(serveCommand, '--port', '80.5')).rejects.toThrow(new UsageError('--port must be a whole number from 0 to 65535'));
    await expect(run(serveCommand, '--port', '70000')).rejects.toThrow(new UsageError('--port must be a whole number from 0 to 65535'));
    expect(await readdir(dir)).toEqual([]);
  });
});
