import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToFloat32 } from '../../core/base64';
import { deriveMontage } from '../../core/montage';
import { encodeEdf } from '../formats/edf-write';
import { discontinuous } from '../hostile/edf-bytes';
import { edfRecording, encodeEdfSeconds } from '../hostile/shared';
import { readHmsLayoutRecording } from '../recording-files';
import { RecordingPages } from './recording-pages';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-pages-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the viewer’s pages, read from the file', () => {
  it('serves a page with its context as the whole recording holds it', async () => {
    const path = join(dir, 'minute.edf');
    await writeFile(path, encodeEdf(edfRecording(60, 256)));
    const { recording } = await readHmsLayoutRecording(path);
    const pages = new RecordingPages();
    const page = await pages.page({ path, startSec: 20, durationSec: 10, montage: 'referential', contextSec: 3 });
    expect([page.contextBefore, page.samples]).toEqual([600, 2000]);
    page.data.forEach((rows, c) => expect(base64ToFloat32(rows), page.channels[c]).toEqual(recording.data[c].subarray(3400, 6600)));
  });

  it("serves the reader's own montage, a bad electrode's derivations flat and out of the average reference", async () => {
    const path = join(dir, 'minute.edf');
    const { recording } = await readHmsLayoutRecording(path);
    const pages = new RecordingPages();
    const montage = {
      name: 'mine',
      derivations: [
        { label: 'Fp1-F7', plus: 'Fp1', minus: 'F7' },
        { label: 'Cz-avg', plus: 'Cz', minus: 'avg' },
      ],
    };
    const window = recording.data.map((ch) => ch.subarray(4000, 6000));
    const ask = (bad: string[]) => pages.page({ path, startSec: 20, durationSec: 10, montage, bad, contextSec: 0 });
    const page = await ask([]);
    expect(page.channels).toEqual(['Fp1-F7', 'Cz-avg', 'EKG']);
    expect(base64ToFloat32(page.data[0])).toEqual(deriveMontage(montage, window)[0]);
    const marked = await ask(['F7', 'O2']);
    expect(marked.absentRows).toEqual(['Fp1-F7']);
    expect(base64ToFloat32(marked.data[0]).every((v) => v === 0)).toBe(true);
    expect(base64ToFloat32(marked.data[1])).toEqual(deriveMontage(montage, window, new Set(['F7', 'O2']))[1]);
    expect(base64ToFloat32(marked.data[1])).not.toEqual(base64ToFloat32(page.data[1]));
  });

  it('opens, pages and draws the overview of an EDF+D with a 74-hour gap in bounded memory, the gap said as no data, not as interpolated samples', async () => {
    const path = join(dir, 'gap.edf');
    const gapSec = 74 * 3600;
    await writeFile(
      path,
      discontinuous(encodeEdfSeconds(60), (r) => (r < 30 ? r : r + gapSec)),
    );
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const pages = new RecordingPages();
    const info = await pages.info(path);
    expect(info.durationSec).toBe(60 + gapSec);
    expect(info.gaps).toEqual([{ startSec: 30, endSec: 30 + gapSec }]);
    const inGap = await pages.page({ path, startSec: 40 * 3600, durationSec: 10, montage: 'bipolar', contextSec: 2 });
    // A gap is no data, said once for the page — not every channel's samples interpolated.
    expect(inGap.noData).toEqual([{ fromSec: 40 * 3600, toSec: 40 * 3600 + 10 }]);
    expect(inGap.interpolated).toEqual([]);
    const across = await pages.page({ path, startSec: 25, durationSec: 10, montage: 'referential', contextSec: 2 });
    expect(across.noData).toEqual([{ fromSec: 30, toSec: 35 }]);
    expect(across.interpolated).toEqual([]);
    const after = await pages.page({ path, startSec: 30 + gapSec, durationSec: 10, montage: 'bipolar', contextSec: 0 });
    expect([after.interpolated, after.noData]).toEqual([[], []]);
    const overview = await pages.spectrogram(path);
    expect(overview.timeSec.length).toBeLessThanOrEqual(2000);
    expect(process.resourceUsage().maxRSS * 1024 - peakBefore).toBeLessThan(300 * 2 ** 20);
  });
});
