/**
 * Spectrograms in the HMS layout: the four chain groups of the double banana (LL, RL, LP, RP),
 * each the mean power of its four chains, 100 bins from 0.59 to 19.92 Hz (0.195-Hz steps, a
 * 1024-point FFT at 200 Hz), one row every 2 s. Used for generated datasets and by the viewer
 * when a recording has no HMS spectrogram file.
 */
import { fft, hann } from './fft';
import { CHAIN_GROUPS } from './montage';

export const SPECTROGRAM_ROW_SEC = 2;
export const SPECTROGRAM_FFT = 1024;
export const SPECTROGRAM_FIRST_BIN = 3;
export const SPECTROGRAM_BINS = 100;
export const SPECTROGRAM_REGION_NAMES = ['LL', 'RL', 'LP', 'RP'] as const;

export interface RegionSpectrogram {
  /** Centre time of each row, s. */
  timeSec: Float32Array;
  frequenciesHz: number[];
  /** power[region][bin][row] */
  power: Float32Array[][];
}

export function spectrogramFrequencies(sampleRateHz: number): number[] {
  return Array.from({ length: SPECTROGRAM_BINS }, (_, b) => ((SPECTROGRAM_FIRST_BIN + b) * sampleRateHz) / SPECTROGRAM_FFT);
}

/** `bipolar` holds the 18 double-banana chains in montage order (EKG, if present, is ignored). */
export function regionSpectrogram(bipolar: readonly Float32Array[], sampleRateHz: number): RegionSpectrogram {
  const samples = bipolar[0].length;
  const step = SPECTROGRAM_ROW_SEC * sampleRateHz;
  const rows = Math.max(0, Math.floor(samples / step));
  const timeSec = Float32Array.from({ length: rows }, (_, r) => r * SPECTROGRAM_ROW_SEC + SPECTROGRAM_ROW_SEC / 2);
  const power = SPECTROGRAM_REGION_NAMES.map(() => Array.from({ length: SPECTROGRAM_BINS }, () => new Float32Array(rows)));
  const n = SPECTROGRAM_FFT;
  const window = hann(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const start = Math.max(0, Math.min(samples - n, Math.round(r * step + step / 2 - n / 2)));
    const m = Math.min(n, samples);
    for (const [g, name] of SPECTROGRAM_REGION_NAMES.entries()) {
      const chains = CHAIN_GROUPS.find((group) => group.name === name)!.rows;
      // Two real chains per complex transform: x in the real part, y in the imaginary part.
      for (let c = 0; c < chains.length; c += 2) {
        const x = bipolar[chains[c]];
        const y = bipolar[chains[c + 1]];
        re.fill(0);
        im.fill(0);
        for (let i = 0; i < m; i++) {
          re[i] = x[start + i] * window[i];
          im[i] = y[start + i] * window[i];
        }
        fft(re, im);
        for (let b = 0; b < SPECTROGRAM_BINS; b++) {
          const k = SPECTROGRAM_FIRST_BIN + b;
          const zr = re[k],
            zi = im[k],
            wr = re[n - k],
            wi = im[n - k];
          // X = (Z[k] + conj Z[n−k]) / 2, Y = (Z[k] − conj Z[n−k]) / 2i
          const xr = (zr + wr) / 2,
            xi = (zi - wi) / 2;
          const yr = (zi + wi) / 2,
            yi = (wr - zr) / 2;
          power[g][b][r] += (xr * xr + xi * xi + yr * yr + yi * yi) / m / chains.length;
        }
      }
    }
  }
  return { timeSec, frequenciesHz: spectrogramFrequencies(sampleRateHz), power };
}
