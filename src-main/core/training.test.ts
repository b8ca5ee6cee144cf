import { describe, expect, it } from 'vitest';
import { runShare, type StageName } from './training';

describe('the share of a run done', () => {
  it('counts every stage, a stage ended early as done, and a time limit when it ends the run sooner', () => {
    const config = { epochs: 10, stages: ['mse', 'kl'] as StageName[] };
    expect(runShare(config, { stageIndex: 0, stageEpochs: 5, elapsedSec: 1 })).toBeCloseTo(0.25);
    // The first stage stopped early at epoch 3: the second starts at one half.
    expect(runShare(config, { stageIndex: 1, stageEpochs: 0.5, elapsedSec: 1 })).toBeCloseTo(0.525);
    expect(runShare({ epochs: 1000, stages: ['kl'], timeLimitSec: 60 }, { stageIndex: 0, stageEpochs: 2, elapsedSec: 30 })).toBeCloseTo(0.5);
    expect(runShare({ epochs: 2, stages: ['kl'], timeLimitSec: 60 }, { stageIndex: 0, stageEpochs: 1.5, elapsedSec: 3 })).toBeCloseTo(0.75);
    expect(runShare({ epochs: 2, stages: ['kl'], timeLimitSec: 1 }, { stageIndex: 0, stageEpochs: 1, elapsedSec: 5 })).toBe(1);
  });
});
