import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/signal-reference.json';
import { EEG_ELECTRODES } from './eeg';
import {
  absentRows,
  applyMontage,
  BIPOLAR_CHAINS,
  builtinMontage,
  CHAIN_GROUPS,
  checkMontage,
  derivationSources,
  deriveMontage,
  flatDerivations,
  NEIGHBOURS,
  montageChannelNames,
  montageLabels,
  otherChannelsOf,
} from './montage';

const input = reference.montage.input.map((row) => Float32Array.from(row));

describe('montages', () => {
  it('names the channels each row is computed from: both ends of a chain, an electrode itself, EKG alone', () => {
    const bipolar = derivationSources(builtinMontage('bipolar')!);
    expect(bipolar).toHaveLength(montageChannelNames('bipolar').length);
    expect(bipolar[0]).toEqual(['Fp1', 'F7']);
    expect(bipolar.at(-1)).toEqual(['EKG']);
    expect(derivationSources(builtinMontage('average')!)[EEG_ELECTRODES.indexOf('Cz')]).toEqual(['Cz']);
  });

  it('bipolar double banana equals the numpy reference, EKG last', () => {
    const out = applyMontage('bipolar', input);
    expect(out).toHaveLength(19);
    out.forEach((row, i) => expect(Array.from(row)).toEqual(reference.montage.bipolar[i]));
  });

  it('average reference equals the numpy reference to float32 precision', () => {
    const out = applyMontage('average', input);
    out.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - reference.montage.average[i][k])).toBeLessThan(1e-4)));
    const sum = out.slice(0, 19).reduce((acc, row) => acc + row[7], 0);
    expect(Math.abs(sum)).toBeLessThan(1e-3);
  });

  it('referential copies the electrodes and never aliases the input', () => {
    const out = applyMontage('referential', input);
    expect(Array.from(out[3])).toEqual(Array.from(input[3]));
    out[3][0] = 12345;
    expect(input[3][0]).not.toBe(12345);
  });

  it('names rows in the order an EEG reader expects', () => {
    expect(montageChannelNames('bipolar').slice(0, 5)).toEqual(['Fp1-F7', 'F7-T3', 'T3-T5', 'T5-O1', 'Fp2-F8']);
    expect(montageChannelNames('bipolar').slice(-3)).toEqual(['Fz-Cz', 'Cz-Pz', 'EKG']);
    expect(montageChannelNames('average')[0]).toBe('Fp1-avg');
    expect(montageChannelNames('referential')).toHaveLength(20);
    expect(CHAIN_GROUPS.flatMap((g) => g.rows)).toEqual(BIPOLAR_CHAINS.map((_, i) => i));
  });

  it('refuses data that is not 19 electrodes + EKG', () => {
    expect(() => applyMontage('bipolar', input.slice(0, 18))).toThrow('20 rows');
  });

  it('draws a chain with an absent electrode flat, never as the other electrode alone, and names it', () => {
    const absent = new Set(['T5', 'O1', 'Cz', 'O2']);
    expect(absentRows('bipolar', absent)).toEqual(['T3-T5', 'T5-O1', 'T6-O2', 'P3-O1', 'P4-O2', 'Fz-Cz', 'Cz-Pz']);
    const names = montageChannelNames('bipolar');
    const whole = applyMontage('bipolar', input);
    const out = applyMontage('bipolar', input, absent);
    names.forEach((name, i) => {
      if (absentRows('bipolar', absent).includes(name)) expect(out[i].every((v) => v === 0)).toBe(true);
      else expect(Array.from(out[i])).toEqual(Array.from(whole[i]));
    });
    const rows = (kind: 'referential' | 'average') => applyMontage(kind, input, absent);
    expect(absentRows('referential', absent)).toEqual(['T5', 'O1', 'Cz', 'O2']);
    expect(rows('referential')[EEG_ELECTRODES.indexOf('T5')].every((v) => v === 0)).toBe(true);
    expect(absentRows('average', absent)).toEqual(['T5-avg', 'O1-avg', 'Cz-avg', 'O2-avg']);
  });

  it('takes the average reference over the electrodes present only', () => {
    const absent = new Set(['Fp1', 'Pz']);
    const present = EEG_ELECTRODES.map((e, i) => (absent.has(e) ? -1 : i)).filter((i) => i >= 0);
    const out = applyMontage('average', input, absent);
    const k = 7;
    const mean = present.reduce((sum, i) => sum + input[i][k], 0) / present.length;
    expect(out[2][k]).toBeCloseTo(input[2][k] - mean, 3);
    expect(out[0].every((v) => v === 0)).toBe(true);
    expect(Math.abs(present.reduce((sum, i) => sum + out[i][k], 0))).toBeLessThan(1e-3);
  });

  it('has the transverse rows and Cz reference as built-ins, computed as plus minus minus', () => {
    const transverse = builtinMontage('transverse')!;
    expect(montageLabels(transverse).slice(0, 5)).toEqual(['Fp1-Fp2', 'F7-F3', 'F3-Fz', 'Fz-F4', 'F4-F8']);
    const cz = builtinMontage('Cz reference')!;
    expect(cz.derivations).toHaveLength(18);
    const out = deriveMontage(cz, input);
    const at = (e: string) => input[(EEG_ELECTRODES as readonly string[]).indexOf(e)];
    expect(out[0][7]).toBeCloseTo(at('Fp1')[7] - at('Cz')[7], 4);
    expect(derivationSources(cz)[0]).toEqual(['Fp1', 'Cz']);
  });

  it("computes a montage of the user's rows, and a bad electrode flattens its rows and leaves the average", () => {
    const custom = checkMontage({
      name: 'mine',
      derivations: [
        { label: 'Fp1-F7', plus: 'Fp1', minus: 'F7' },
        { label: 'Cz-avg', plus: 'Cz', minus: 'avg' },
        { label: 'O2', plus: 'O2', minus: null },
      ],
    });
    const at = (e: string) => input[(EEG_ELECTRODES as readonly string[]).indexOf(e)];
    const out = deriveMontage(custom, input);
    expect(montageLabels(custom)).toEqual(['Fp1-F7', 'Cz-avg', 'O2', 'EKG']);
    expect(Array.from(out[0])).toEqual(reference.montage.bipolar[0]);
    expect(Array.from(out[1])).toEqual(Array.from(applyMontage('average', input)[EEG_ELECTRODES.indexOf('Cz')]));
    expect(Array.from(out[2])).toEqual(Array.from(at('O2')));
    const bad = new Set(['F7', 'Fp2']);
    const marked = deriveMontage(custom, input, bad);
    expect(flatDerivations(custom, bad)).toEqual(['Fp1-F7']);
    expect(marked[0].every((v) => v === 0)).toBe(true);
    const present = EEG_ELECTRODES.filter((e) => !bad.has(e));
    expect(marked[1][7]).toBeCloseTo(at('Cz')[7] - present.reduce((sum, e) => sum + at(e)[7], 0) / present.length, 3);
  });

  it('refuses a broken montage in one line naming the row', () => {
    const row = { label: 'a', plus: 'Fp1', minus: null };
    expect(() => checkMontage({ name: '', derivations: [row] })).toThrow('a montage needs a name');
    expect(() => checkMontage({ name: 'x', derivations: [] })).toThrow('montage "x" needs 1 to 64 rows');
    expect(() => checkMontage({ name: 'x', derivations: [row, { ...row, plus: 'EKG' }] })).toThrow('montage "x" row 2: "EKG" is not a channel name');
    expect(() => checkMontage({ name: 'x', derivations: [row, { ...row, plus: ' T1' }] })).toThrow('row 2: " T1" is not a channel name');
    expect(() => checkMontage({ name: 'x', derivations: [{ ...row, minus: 'Fp1' }] })).toThrow('row 1: the reference must be another channel, avg, lap or none');
    expect(() => checkMontage({ name: 'x', derivations: [{ label: 'T1-lap', plus: 'T1', minus: 'lap' }] })).toThrow('row 1: a Laplacian row needs one of Fp1');
    expect(() => checkMontage({ name: 'x', derivations: [row, row] })).toThrow('two rows of one label');
    expect(checkMontage({ name: 'x', derivations: [{ ...row, extra: 1 }] })).toEqual({ name: 'x', derivations: [row] });
    expect(
      checkMontage({
        name: 'x',
        derivations: [
          { ...row, gain: 2 },
          { ...row, label: 'b', gain: 1 },
        ],
      }).derivations,
    ).toEqual([
      { ...row, gain: 2 },
      { ...row, label: 'b' },
    ]);
    expect(() => checkMontage({ name: 'x', derivations: [{ ...row, gain: 3 }] })).toThrow('row 1: the gain must be one of 0.2, 0.5, 1, 2, 5');
  });

  it("takes the Laplacian against the mean of each electrode's neighbours present, symmetric on the 10-20 layout", () => {
    for (const [e, around] of Object.entries(NEIGHBOURS)) for (const n of around) expect(NEIGHBOURS[n], `${n} of ${e}`).toContain(e);
    expect(Object.keys(NEIGHBOURS).sort()).toEqual([...EEG_ELECTRODES].sort());
    const laplacian = builtinMontage('Laplacian')!;
    const at = (e: string) => input[(EEG_ELECTRODES as readonly string[]).indexOf(e)];
    const cz = EEG_ELECTRODES.indexOf('Cz');
    const mean = (es: string[]) => es.reduce((sum, e) => sum + at(e)[7], 0) / es.length;
    expect(deriveMontage(laplacian, input)[cz][7]).toBeCloseTo(at('Cz')[7] - mean(['Fz', 'C3', 'C4', 'Pz']), 3);
    expect(deriveMontage(laplacian, input, new Set(['C3']))[cz][7]).toBeCloseTo(at('Cz')[7] - mean(['Fz', 'C4', 'Pz']), 3);
    expect(derivationSources(laplacian)[cz]).toEqual(['Cz', 'Fz', 'C3', 'C4', 'Pz']);
    const alone = new Set(['Fp2', 'F7', 'F3']);
    expect(flatDerivations(laplacian, alone)).toEqual(['Fp1-lap', 'F3-lap', 'F7-lap', 'Fp2-lap']);
  });

  it("draws a row of the file's other channels (T1, A2, a polygraphy lead) from them, and flat when the recording lacks one", () => {
    const mine = checkMontage({
      name: 'temporal',
      derivations: [
        { label: 'T1-T3', plus: 'T1', minus: 'T3' },
        { label: 'T1-A2', plus: 'T1', minus: 'A2' },
        { label: 'EMG chin', plus: 'EMG chin', minus: null },
        { label: 'F7-T1', plus: 'F7', minus: 'T1' },
      ],
    });
    expect(otherChannelsOf(mine)).toEqual(['T1', 'A2', 'EMG chin']);
    const at = (e: string) => input[(EEG_ELECTRODES as readonly string[]).indexOf(e)];
    const t1 = Float32Array.from(at('Fp1'), (v, i) => v * 0.5 + i);
    const emg = Float32Array.from(at('O2'), (v) => -v);
    const others = new Map([
      ['T1', t1],
      ['EMG chin', emg],
    ]);
    const out = deriveMontage(mine, input, new Set(), undefined, others);
    expect(Array.from(out[0])).toEqual(Array.from(t1, (v, i) => Math.fround(v - at('T3')[i])));
    expect(out[1].every((v) => v === 0)).toBe(true);
    expect(Array.from(out[2])).toEqual(Array.from(emg));
    expect(Array.from(out[3])).toEqual(Array.from(at('F7'), (v, i) => Math.fround(v - t1[i])));
    expect(flatDerivations(mine, new Set(), others)).toEqual(['T1-A2']);
    // A recording without T1 (or one where it is marked bad) draws every row that names it flat.
    expect(flatDerivations(mine, new Set())).toEqual(['T1-T3', 'T1-A2', 'EMG chin', 'F7-T1']);
    expect(flatDerivations(mine, new Set(['T1']), others)).toEqual(['T1-T3', 'T1-A2', 'F7-T1']);
  });
});
