import { describe, expect, it } from 'vitest';
import { spectrogramCsv, timelineCsv } from './overview-csv';

describe('overviews as CSV', () => {
  it('writes the spectrogram a row per time and region, a column per frequency', () => {
    const csv = spectrogramCsv({
      timeSec: [1, 3],
      frequenciesHz: [0.5, 1],
      regions: [
        { name: 'LL', logPower: Float32Array.of(1, 2, 3, 4) },
        { name: 'RL', logPower: Float32Array.of(-1, -2, -3, -4.123456) },
      ],
    });
    expect(csv).toBe('time_s,region,0.5_hz,1_hz\n1,LL,1,2\n1,RL,-1,-2\n3,LL,3,4\n3,RL,-3,-4.1235\n');
  });

  it('writes a classifier timeline a row per window, a column per class', () => {
    expect(timelineCsv({ windowSec: 50, windows: [{ startSec: 10, probabilities: [0.5, 0.1, 0.1, 0.1, 0.1, 0.1] }] })).toBe(
      'start_s,end_s,seizure,lpd,gpd,lrda,grda,other\n10,60,0.5,0.1,0.1,0.1,0.1,0.1\n',
    );
  });
});
