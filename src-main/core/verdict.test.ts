import { describe, expect, it } from 'vitest';
import { verdict } from './verdict';

describe('the verdict on a window', () => {
  it('calls a class only when the model is clear, and says why not otherwise', () => {
    expect(verdict([0.05, 0.8, 0.05, 0.04, 0.03, 0.03])).toEqual({ best: 'lpd', p: 0.8 });
    expect(verdict([0.155, 0.178, 0.17, 0.165, 0.16, 0.172])).toEqual({ best: 'lpd', p: 0.178, uncertain: 'near-uniform output' });
    expect(verdict([0.35, 0.3, 0.3, 0.05, 0, 0])).toEqual({ best: 'seizure', p: 0.35, uncertain: 'low top probability (under 40%)' });
  });
});
