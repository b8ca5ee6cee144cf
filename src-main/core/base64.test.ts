import { describe, expect, it } from 'vitest';
import { base64ToFloat32, float32ToBase64 } from './base64';

describe('float32 ↔ base64', () => {
  it('round-trips exactly, including NaN and subarrays', () => {
    const big = Float32Array.from({ length: 100_001 }, (_, i) => Math.sin(i) * 1e3);
    big[7] = NaN;
    expect(Array.from(base64ToFloat32(float32ToBase64(big)))).toEqual(Array.from(big));
    const view = big.subarray(10, 20);
    expect(Array.from(base64ToFloat32(float32ToBase64(view)))).toEqual(Array.from(view));
    expect(float32ToBase64(Float32Array.from([1]))).toBe(Buffer.from(Float32Array.from([1]).buffer).toString('base64'));
  });
});
