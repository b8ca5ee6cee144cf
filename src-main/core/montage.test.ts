import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/signal-reference.json';
import { applyMontage, BIPOLAR_CHAINS, CHAIN_GROUPS, montageChannelNames } from './montage';

const input = reference.montage.input.map((row) => Float32Array.from(row));

describe('montages', () => {
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
});
