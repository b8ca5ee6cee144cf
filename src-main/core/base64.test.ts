import { describe, expect, it } from 'vitest';
import { base64ToFloat32, float32ToBase64 } from './base64';

describe('float32 ↔ base64', () => {
  it('round-trips exactly, including NaN and subarrays', () => {
    const big = Float32Array.from({ length: 100_001 }, (_, i) => Math.sin(i) * 1e3);
    big[7] = NaN;
    expect(Array.from(base64ToFloat32(float32ToBase64(big)))).toEqual(Array.from(big));
    const view = big.subarray(10, 20);
    expect(Array.from(base64ToFloat32(float32ToBase64(view)))).toEqual(Array.from(view));
    // Every length's padding (0, 1 or 2 bytes left over) as Node's own encoder writes it.
    for (let n = 0; n < 12; n++) {
      const bytes = Uint8Array.from({ length: 4 * n }, (_, i) => (i * 37 + 11) & 255);
      const x = new Float32Array(bytes.buffer);
      expect(float32ToBase64(x)).toBe(Buffer.from(bytes).toString('base64'));
      expect(float32ToBase64(x.subarray(1))).toBe(n > 0 ? Buffer.from(bytes.subarray(4)).toString('base64') : '');
    }
  });
});
