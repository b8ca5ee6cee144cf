import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSidecar, parseTse, parseTuhCsv, readSidecarEvents, sidecarPath, writeSidecarEvents } from './annotation-files';

// As the TUH EEG Seizure Corpus writes them: background around one seizure.
const TSE = 'version = tse_v1.0.0\n\n0.0000 36.8868 bckg 1.0000\n36.8868 183.3055 seiz 1.0000\n183.3055 301.0000 bckg 1.0000\n';
const TUH_CSV = [
  '# version = csv_v1.0.0',
  '# bname = aaaaaajy_s001_t000',
  '# duration = 301.00 secs',
  '#',
  'channel,start_time,stop_time,label,confidence',
  'FP1-F7,0.0000,36.8868,bckg,1.0000',
  'FP1-F7,36.8868,183.3055,seiz,1.0000',
  'T3-T5,40.0000,90.5000,fnsz,0.9000',
].join('\n');
const TUH_CSV_BI = ['# version = csv_v1.0.0', 'channel,start_time,stop_time,label,confidence', 'TERM,0.0000,36.8868,bckg,1.0000', 'TERM,36.8868,183.3055,seiz,1.0000'].join('\n');

describe('event files beside a recording', () => {
  let dir: string;
  let edf: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hms-events-'));
    edf = join(dir, 'aaaaaajy_s001_t000.edf');
    await copyFile(join(import.meta.dirname, '__fixtures__', 'clinical-256hz.edf'), edf);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads TUH's .tse and v2 .csv / .csv_bi, leaving background out", () => {
    expect(parseTse(TSE, 'x.tse')).toEqual([{ onsetSec: 36.8868, durationSec: 183.3055 - 36.8868, text: 'seiz' }]);
    expect(parseTuhCsv(TUH_CSV, 'x.csv')).toEqual([
      { onsetSec: 36.8868, durationSec: 183.3055 - 36.8868, text: 'seiz FP1-F7' },
      { onsetSec: 40, durationSec: 50.5, text: 'fnsz T3-T5' },
    ]);
    expect(parseTuhCsv(TUH_CSV_BI, 'x.csv_bi')).toEqual([{ onsetSec: 36.8868, durationSec: 183.3055 - 36.8868, text: 'seiz' }]);
  });

  it('names the file and the line of an event it cannot read', () => {
    expect(() => parseTse('version = tse_v1.0.0\n10 5 seiz 1.0\n', 'a.tse')).toThrow('a.tse: line 2: start and stop must be seconds, stop not before start');
    expect(() => parseTuhCsv('# c\nchannel,start_time,stop_time,label\nFP1-F7,x,3,seiz\n', 'b.csv')).toThrow('b.csv: line 3: start and stop must be seconds');
    expect(() => parseSidecar('when,what\n1,x\n', 'c.csv')).toThrow('c.csv: the header is not "onset_sec,duration_sec,text"');
    expect(() => parseSidecar('onset_sec,duration_sec,text\n-1,0,x\n', 'c.csv')).toThrow('c.csv: line 2: onset and duration must be seconds ≥ 0');
  });

  it("keeps the user's events in a sidecar that reads back exactly, commas, quotes and line breaks included", async () => {
    const events = [
      { onsetSec: 12.5, durationSec: 0, text: 'spike, left temporal' },
      { onsetSec: 3, durationSec: 2.25, text: 'eyes "closed"\nthen open' },
    ];
    const file = await writeSidecarEvents(edf, events);
    expect(file).toBe(sidecarPath(edf));
    expect(parseSidecar(await readFile(file, 'utf8'), file)).toEqual([
      { onsetSec: 3, durationSec: 2.25, text: 'eyes "closed" then open' },
      { onsetSec: 12.5, durationSec: 0, text: 'spike, left temporal' },
    ]);
    await rm(file);
  });

  it('gathers the files that belong to the recording, each event naming its file, and a broken one as a problem line; another table named like it is not events', async () => {
    await writeFile(join(dir, 'aaaaaajy_s001_t000.tse'), TSE);
    await writeFile(join(dir, 'aaaaaajy_s001_t000.csv_bi'), 'channel,start_time,stop_time,label\nTERM,1,zz,seiz\n');
    await writeFile(join(dir, 'aaaaaajy_s001_t000.csv'), 'patient,age\n1,40\n');
    const found = await readSidecarEvents(edf);
    expect(found.annotations).toEqual([{ onsetSec: 36.8868, durationSec: 183.3055 - 36.8868, text: 'seiz', source: 'aaaaaajy_s001_t000.tse' }]);
    expect(found.problems).toEqual([`${join(dir, 'aaaaaajy_s001_t000.csv_bi')}: line 2: start and stop must be seconds, stop not before start`]);
  });
});
