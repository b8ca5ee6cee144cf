import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledWindows, summariseTrainRows } from '../../core/dataset';
import { eegPath, openHmsFolder, readSubmissionCsv, readTrainCsv } from './hms-folder';

const HEADER =
  'eeg_id,eeg_sub_id,eeg_label_offset_seconds,spectrogram_id,spectrogram_sub_id,spectrogram_label_offset_seconds,label_id,patient_id,expert_consensus,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote';

// Three windows of one 90-s EEG (subs 0–2), one of another patient; rater counts 3 and 14.
const TRAIN = `${HEADER}
1628180742,0,0.0,353733,0,0.0,127492639,42516,Seizure,3,0,0,0,0,0
1628180742,1,6.0,353733,1,6.0,3887563113,42516,Seizure,3,0,0,0,0,0
1628180742,2,40.0,353733,2,40.0,1142670488,42516,LPD,0,2,0,0,0,1
2277392603,0,0.0,1552638400,0,0.0,1978807404,30539,GRDA,1,0,0,2,10,1
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hms-folder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folderWith(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  return root;
}

describe('HMS dataset folder', () => {
  it('reads every column of train.csv, test.csv and sample_submission.csv', async () => {
    const root = await folderWith('ok', {
      'train.csv': TRAIN,
      'test.csv': 'spectrogram_id,eeg_id,patient_id\n853520,3911565283,6885\n',
      'sample_submission.csv': 'eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote\n3911565283,0.16,0.16,0.16,0.16,0.16,0.2\n',
    });
    const folder = await openHmsFolder(root);
    expect(folder.train).toHaveLength(4);
    expect(folder.train![2]).toEqual({
      eegId: '1628180742',
      eegSubId: 2,
      eegLabelOffsetSec: 40,
      spectrogramId: '353733',
      spectrogramSubId: 2,
      spectrogramLabelOffsetSec: 40,
      labelId: '1142670488',
      patientId: '42516',
      expertConsensus: 'LPD',
      votes: [0, 2, 0, 0, 0, 1],
    });
    expect(folder.test).toEqual([{ spectrogramId: '853520', eegId: '3911565283', patientId: '6885' }]);
    expect(eegPath(folder, 'test', '3911565283')).toBe(join(root, 'test_eegs', '3911565283.parquet'));
    const sub = await readSubmissionCsv(join(root, 'sample_submission.csv'));
    expect(sub[0].probabilities).toEqual([0.16, 0.16, 0.16, 0.16, 0.16, 0.2]);
  });

  it('keeps every eeg_sub_id as a window with normalised votes, totals and patients', async () => {
    const rows = await readTrainCsv(join(await folderWith('windows', { 'train.csv': TRAIN }), 'train.csv'));
    const windows = labelledWindows(rows);
    expect(windows.map((w) => w.startSample)).toEqual([0, 1200, 8000, 0]);
    expect(windows[2].target).toEqual([0, 2 / 3, 0, 0, 0, 1 / 3]);
    expect(windows[3].totalVotes).toBe(14);
    expect(windows[3].consensus).toBe('grda');
    expect(windows[3].patientId).toBe('30539');

    const summary = summariseTrainRows(rows);
    expect(summary).toMatchObject({ windows: 4, eegs: 2, patients: 2, windowsWithTenOrMoreRaters: 1 });
    expect(summary.classCounts).toEqual({ seizure: 2, lpd: 1, gpd: 0, lrda: 0, grda: 1, other: 0 });
    expect(summary.raterHistogram[3]).toBe(3);
    expect(summary.raterHistogram[14]).toBe(1);
  });

  it('names the file, the line and the problem of a bad train.csv', async () => {
    const cases: [string, string][] = [
      [TRAIN.replace(',patient_id,', ',patient,'), 'missing column(s) patient_id'],
      [TRAIN.replace('1628180742,1,6.0', '1628180742,1,six'), 'line 3: eeg_label_offset_seconds must be a number, got "six"'],
      [TRAIN.replace('Seizure,3,0,0,0,0,0\n1628180742,1', 'Seizure,0,0,0,0,0,0\n1628180742,1'), 'line 2: the row has no votes'],
      [TRAIN.replace(',GRDA,1,0,0,2,10,1', ',GRDA,1,0,0,2,10'), 'line 5 has 14 fields, the header has 15'],
      [TRAIN.replace('LPD,0,2,0', 'LPD,0,-2,0'), 'line 4: lpd_vote must be a whole number ≥ 0'],
      ['', 'the file is empty'],
      [HEADER + '\n', 'the file has a header but no rows'],
      // A vote count that once grew the rater histogram a slot per vote until V8 died.
      [TRAIN.replace('LPD,0,2,0', 'LPD,0,1000000000,0'), 'line 4: lpd_vote is 1000000000, more than the 1000 votes a window can plausibly get'],
      // An id that is a path would read outside the dataset and write outside the cache.
      [TRAIN.replace('2277392603,0,0.0', '../../ESCAPED,0,0.0'), 'line 5: eeg_id must be a whole-number id, got "../../ESCAPED"'],
      [TRAIN.replace(',42516,LPD', ',../p,LPD'), 'line 4: patient_id must be a whole-number id, got "../p"'],
      [TRAIN.replace('1142670488', '3887563113'), 'line 4: label_id 3887563113 is already used on line 3'],
      // Two eeg_id columns: which one holds the ids cannot be told.
      [TRAIN.replace('eeg_id,', 'eeg_id,eeg_id,').replace(/\n(\d+),/g, '\n$1,$1,'), 'the header names column eeg_id twice'],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const path = join(await folderWith(`bad${i}`, { 'train.csv': text }), 'train.csv');
      await expect(readTrainCsv(path)).rejects.toThrow(`${path}: ${message}`);
    }
  });

  it('refuses a test.csv with no rows or an id that is not one', async () => {
    const cases: [string, string][] = [
      ['spectrogram_id,eeg_id,patient_id\n', 'the file has a header but no rows'],
      ['spectrogram_id,eeg_id,patient_id\n853520,../../x,6885\n', 'line 2: eeg_id must be a whole-number id, got "../../x"'],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const root = await folderWith(`badtest${i}`, { 'test.csv': text });
      await expect(openHmsFolder(root)).rejects.toThrow(`${join(root, 'test.csv')}: ${message}`);
    }
  });

  it('reads a train.csv that is a loop of links as what it is, not as absent', async () => {
    const root = await folderWith('loop', { 'test.csv': 'spectrogram_id,eeg_id,patient_id\n1,2,3\n' });
    await symlink(join(root, 'other.csv'), join(root, 'train.csv'));
    await symlink(join(root, 'train.csv'), join(root, 'other.csv'));
    await expect(openHmsFolder(root)).rejects.toThrow(`${join(root, 'train.csv')}: its symbolic links form a loop`);
  });

  it('says plainly when a folder is not an HMS dataset', async () => {
    const root = await folderWith('not-hms', { 'notes.txt': 'hello' });
    await expect(openHmsFolder(root)).rejects.toThrow(`${root}: not an HMS dataset folder: it holds neither train.csv nor test.csv`);
    await expect(openHmsFolder(join(root, 'nope'))).rejects.toThrow('no such folder');
  });
});
