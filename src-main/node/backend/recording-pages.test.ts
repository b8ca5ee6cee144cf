import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToFloat32 } from '../../core/base64';
import { deriveMontage } from '../../core/montage';
import { encodeEdf } from '../formats/edf-write';
import { discontinuous } from '../hostile/edf-bytes';
import { edfRecording, encodeEdfSeconds } from '../hostile/shared';
import { readHmsLayoutRecording, readRecording } from '../recording-files';
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

  it("offers the file's other channels by name and draws a montage's rows of them from the file; a channel the file lacks is a flat row", async () => {
    const path = join(dir, 'extra.edf');
    const rec = edfRecording(30, 256);
    const extra = ['EEG T1-REF', 'POL A2', 'EMG chin'];
    const signal = (k: number) => Float32Array.from(rec.data[0], (v, i) => v * (k + 2) + Math.sin(i / (k + 3)) * 40);
    await writeFile(
      path,
      encodeEdf({ ...rec, channels: [...rec.channels, ...extra], data: [...rec.data, ...extra.map((_, k) => signal(k))], units: [...rec.units, 'uV', 'uV', 'uV'] }),
    );
    const file = await readRecording(path);
    // Read at the app's 200 Hz, as every signal of the file is.
    const of = (label: string) => file.data[file.channels.indexOf(label)].subarray(200 * 10, 200 * 20);
    const pages = new RecordingPages();
    expect((await pages.info(path)).otherChannels).toEqual(['T1', 'A2', 'EMG chin']);
    const montage = {
      name: 'temporal',
      derivations: [
        { label: 'T1-T3', plus: 'T1', minus: 'T3' },
        { label: 'A2', plus: 'A2', minus: null },
        { label: 'EMG chin', plus: 'EMG chin', minus: null },
        { label: 'Fpz-Cz', plus: 'Fpz', minus: 'Cz' },
      ],
    };
    const page = await pages.page({ path, startSec: 10, durationSec: 10, montage, contextSec: 0 });
    expect(page.channels).toEqual(['T1-T3', 'A2', 'EMG chin', 'Fpz-Cz', 'EKG']);
    expect(page.absentRows).toEqual(['Fpz-Cz']);
    const rows = page.data.map(base64ToFloat32);
    expect(rows[0]).toEqual(Float32Array.from(of('EEG T1-REF'), (v, i) => v - of('T3')[i]));
    expect(rows[1]).toEqual(of('POL A2'));
    expect(rows[2]).toEqual(of('EMG chin'));
    expect(rows[3].every((v) => v === 0)).toBe(true);
    // Marked bad, an other channel is read as absent like an electrode.
    const bad = await pages.page({ path, startSec: 10, durationSec: 10, montage, bad: ['T1'], contextSec: 0 });
    expect(bad.absentRows).toEqual(['T1-T3', 'Fpz-Cz']);
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
