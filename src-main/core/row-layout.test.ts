import { describe, expect, it } from 'vitest';
import { builtinMontage } from './montage';
import { arrangedMontage, EMPTY_LAYOUT, moveRow } from './row-layout';

const bipolar = builtinMontage('bipolar')!;
const labels = (m: { derivations: { label: string }[] }) => m.derivations.map((d) => d.label);

describe("a montage's rows as the reader arranges them", () => {
  it('is the montage itself when nothing is arranged, so a built-in is still asked by its name', () => {
    expect(arrangedMontage(bipolar, undefined, ['T1'])).toBe(bipolar);
    expect(arrangedMontage(bipolar, EMPTY_LAYOUT, ['T1'])).toBe(bipolar);
    // A channel the file lacks is not added, so a layout for another recording changes nothing here.
    expect(arrangedMontage(bipolar, { ...EMPTY_LAYOUT, others: ['T1'] }, [])).toBe(bipolar);
  });

  it('hides rows, draws the named ones first, and adds the file’s other channels under them as recorded', () => {
    const arranged = arrangedMontage(bipolar, { order: ['Fz-Cz', 'Cz-Pz'], hidden: ['Fp1-F7', 'Fp2-F8'], others: ['A2', 'T1', 'X'] }, ['T1', 'A2', 'EMG']);
    expect(arranged.name).toBe('bipolar');
    expect(labels(arranged).slice(0, 3)).toEqual(['Fz-Cz', 'Cz-Pz', 'F7-T3']);
    expect(labels(arranged)).not.toContain('Fp1-F7');
    expect(arranged.derivations).toHaveLength(18 - 2 + 2);
    expect(arranged.derivations.slice(-2)).toEqual([
      { label: 'A2', plus: 'A2', minus: null },
      { label: 'T1', plus: 'T1', minus: null },
    ]);
    // Every row hidden is not a page: the montage is drawn whole.
    expect(arrangedMontage(bipolar, { ...EMPTY_LAYOUT, hidden: labels(bipolar) }, [])).toBe(bipolar);
  });

  it('moves a row one place among those drawn, and not past either end', () => {
    const layout = { ...EMPTY_LAYOUT, hidden: ['F7-T3'] };
    const down = moveRow(bipolar, layout, 'Fp1-F7', 1);
    expect(labels(arrangedMontage(bipolar, down, [])).slice(0, 3)).toEqual(['T3-T5', 'Fp1-F7', 'T5-O1']);
    expect(moveRow(bipolar, layout, 'Fp1-F7', -1)).toBe(layout);
    expect(moveRow(bipolar, layout, 'Cz-Pz', 1)).toBe(layout);
    const up = moveRow(bipolar, down, 'Fp1-F7', -1);
    expect(labels(arrangedMontage(bipolar, up, []))).toEqual(labels(arrangedMontage(bipolar, layout, [])));
  });
});
