/**
 * Does the demo's model learn EEG or the generator? The demo's recipe trains at one variety and
 * seed (demo/recipe.ts), then the run is scored, as `hms evaluate` scores any model on any labelled
 * folder, on a set generated with other, wider ranges and another seed: other patients, other
 * discharge shapes and rates, other artifacts. The goal is the quality bench's: held-out KL at or
 * under 0.6× that set's prior.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evaluation } from '../../core/evaluation';
import { runRecipe } from '../demo/recipe';
import { generateDataset } from '../generate/dataset';
import { evaluateCheckpointOnFolder } from '../train/evaluate-folder';
import { QUALITY_GOAL_KL_PER_PRIOR } from './quality-bench';

export const DEFAULT_TRANSFER = { seed: 1, variety: 1, testSeed: 101, testVariety: 1.6 } as const;

export interface TransferBenchOptions {
  seed: number;
  variety: number;
  testSeed: number;
  testVariety: number;
  trainSeconds: number;
  signal?: AbortSignal;
  onStatus?: (line: string) => void;
}

/** One set's figures: the training set's held-out fold, or the whole other set. */
export interface TransferRow {
  set: 'held-out fold' | 'other set';
  seed: number;
  variety: number;
  windows: number;
  kl: number;
  priorKL: number;
  floorKL: number;
  klPerPrior: number;
  klPerFloor: number;
}

export interface TransferBenchResult {
  trainSeconds: number;
  epochs: number;
  heldOut: TransferRow;
  transfer: TransferRow;
  goalKLPerPrior: number;
  goalMet: boolean;
  seconds: number;
}

/** The recipe, then its run scored on the other set; null when stopped first. */
export async function benchTransfer(o: TransferBenchOptions): Promise<TransferBenchResult | null> {
  const out = await mkdtemp(join(tmpdir(), 'hms-transfer-'));
  const t0 = performance.now();
  const status = (line: string) => o.onStatus?.(line.trim());
  try {
    const recipe = await runRecipe({ out, seed: o.seed, variety: o.variety, trainSeconds: o.trainSeconds, signal: o.signal, say: status, status });
    if (!recipe || o.signal?.aborted) return null;
    const other = join(out, 'other');
    status(`generating the other set (seed ${o.testSeed}, variety ${o.testVariety})`);
    await generateDataset({ out: other, seed: o.testSeed, variety: o.testVariety, signal: o.signal });
    status('scoring the run on the other set');
    const scored = await evaluateCheckpointOnFolder(recipe.runDir, other, { signal: o.signal, onProgress: (d, t) => status(`evaluate ${d}/${t} windows`) });
    const transfer = row('other set', o.testSeed, o.testVariety, scored.windows, scored.evaluation);
    return {
      trainSeconds: o.trainSeconds,
      epochs: recipe.trained.epochs,
      heldOut: row('held-out fold', o.seed, o.variety, recipe.evaluation.rows, recipe.evaluation),
      transfer,
      goalKLPerPrior: QUALITY_GOAL_KL_PER_PRIOR,
      goalMet: transfer.klPerPrior <= QUALITY_GOAL_KL_PER_PRIOR,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    o.onStatus?.('');
    await rm(out, { recursive: true, force: true });
  }
}

function row(set: TransferRow['set'], seed: number, variety: number, windows: number, e: Evaluation): TransferRow {
  // Built-in sets always know their truth; NaN rather than a made-up floor if one did not.
  const floorKL = e.floorKL ?? NaN;
  return { set, seed, variety, windows, kl: e.valKL, priorKL: e.priorKL, floorKL, klPerPrior: e.valKL / e.priorKL, klPerFloor: e.valKL / floorKL };
}

const COLUMNS = ['set', 'seed', 'variety', 'windows', 'KL', 'prior', 'floor', 'KL/prior', 'KL/floor'] as const;

/** The result as aligned text: a header, the two sets, and the verdict on the other one. */
export function transferTable(r: TransferBenchResult): string[] {
  const cells = [r.heldOut, r.transfer].map((s) => [
    s.set,
    String(s.seed),
    String(s.variety),
    String(s.windows),
    s.kl.toFixed(3),
    s.priorKL.toFixed(3),
    s.floorKL.toFixed(3),
    s.klPerPrior.toFixed(2),
    s.klPerFloor.toFixed(2),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row: readonly string[]) => row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  const verdict = `${r.goalMet ? 'goal met' : 'goal missed'}: on the other set ${r.transfer.klPerPrior.toFixed(2)}× its prior, goal ≤ ${r.goalKLPerPrior} (trained ${r.epochs} epochs in ${(r.trainSeconds / 60).toFixed(1)} min)`;
  return [line(COLUMNS), ...cells.map(line), verdict];
}
