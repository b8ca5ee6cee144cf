import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { benchQualityCommand } from './bench-quality-command';
import { type CliIo, UsageError } from './command';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), json: () => {}, status: () => {}, signal: new AbortController().signal };
  return { io, out, err };
}

const run = (argv: string[], io: CliIo) => benchQualityCommand.run(parseArgs(argv, benchQualityCommand.options), io);

describe('hms bench quality', () => {
  it("runs the demo's recipe on one seed and prints the table and the verdict", async () => {
    const { io, out, err } = capture();
    // A budget this small is far from the goal, but the model already beats the prior on held-out patients.
    expect(await run(['--seeds', '3', '--minutes', '0.3'], io)).toBe(0);
    expect(out).toHaveLength(3);
    expect(out[0].trim().split(/\s{2,}/)).toEqual(['seed', 'held-out KL', 'prior', 'floor', 'KL/prior', 'KL/floor', 'epochs', 'seconds']);
    const [seed, kl, prior, floor, klPerPrior, klPerFloor, epochs] = out[1].trim().split(/\s+/).map(Number);
    expect(seed).toBe(3);
    expect(kl).toBeLessThan(prior);
    expect(floor).toBeLessThan(kl);
    expect(klPerPrior).toBeCloseTo(kl / prior, 1);
    expect(klPerFloor).toBeCloseTo(kl / floor, 1);
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(out[2]).toMatch(/^goal (met|missed on seed\(s\) 3): worst KL\/prior \d\.\d\d, goal ≤ 0\.6 on every seed$/);
    expect(err).toEqual([expect.stringMatching(/^seed 3: held-out KL \d\.\d{3}, \d\.\d\d× the prior, in \d+ s$/)]);
  }, 240_000);

  it('rejects seeds that are not a range or a list of whole numbers', async () => {
    const { io } = capture();
    for (const bad of ['4-2', '1,x', '-1', '0-']) await expect(run(['--seeds', bad], io)).rejects.toThrow(UsageError);
    await expect(run(['--seeds', '1.5'], io)).rejects.toThrow('--seeds must be a range like 0-4 or a list like 0,2,7 of whole numbers ≥ 0, got "1.5"');
    await expect(run(['--minutes', '0'], io)).rejects.toThrow('--minutes must be positive');
  });
});
