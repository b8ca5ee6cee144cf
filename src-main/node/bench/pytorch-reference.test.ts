import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startPyTorchReference } from './pytorch-reference';

/** The python with torch this machine has, if any (Debian's python3-torch on the developers' machines; CI may have none). */
function pythonWithTorch(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

describe('the PyTorch reference beside the benches', () => {
  it('says why it cannot run, naming each python tried, when none has torch', async () => {
    const started = await startPyTorchReference(1, ['/nonexistent/python3', 'node']);
    expect('unavailable' in started).toBe(true);
    const reason = 'unavailable' in started ? started.unavailable : '';
    expect(reason).toMatch(/^no python with torch \(\/nonexistent\/python3: .*ENOENT.*; node: .+\); set HMS_PYTHON/);
  });

  it.skipIf(!pythonWithTorch())('times the reference net step by step, training and inference, in the child', async () => {
    const started = await startPyTorchReference(1, [pythonWithTorch()!]);
    if (!('time' in started)) throw new Error(started.unavailable);
    try {
      expect(started.threads).toBe(1);
      expect(started.version).toMatch(/^\d+\.\d+/);
      for (const step of ['train', 'infer'] as const) {
        const ms = await started.time(step);
        expect(ms).toBeGreaterThan(0);
        expect(ms).toBeLessThan(60_000);
      }
    } finally {
      started.close();
    }
  });
});
