import { describe, expect, it } from 'vitest';
import { Adam } from './adam';

describe('Adam', () => {
  it('moves each weight by lr against its gradient on the first step, as torch.optim.Adam does', () => {
    const params = Float32Array.from([1, -2, 0.5]);
    new Adam(3, { lr: 0.1 }).step(params, Float32Array.from([3, -0.01, 0]));
    expect(params[0]).toBeCloseTo(0.9, 6);
    expect(params[1]).toBeCloseTo(-1.9, 5);
    expect(params[2]).toBe(0.5);
  });

  it('minimises a quadratic, and follows a changed learning rate', () => {
    const p = Float32Array.from([5, -3]);
    const adam = new Adam(2, { lr: 0.1 });
    for (let i = 0; i < 500; i++) adam.step(p, Float32Array.from([2 * p[0], 2 * p[1]]));
    adam.lr = 0.001;
    for (let i = 0; i < 200; i++) adam.step(p, Float32Array.from([2 * p[0], 2 * p[1]]));
    expect(Math.abs(p[0])).toBeLessThan(1e-3);
    expect(Math.abs(p[1])).toBeLessThan(1e-3);
  });
});
