/** Dataset folders with damaged train.csv / test.csv, or EEGs that are not what train.csv says. */
import { join } from 'node:path';
import { WINDOW_SAMPLES } from '../../core/eeg';
import { oddPath, put } from './case-kit';
import type { CorpusCase, Expect } from './corpus-case';
import { eegChannels, TRAIN_HEADER, trainRow, validFolder, writeFolder, type FolderSpec, type Shared } from './shared';

type FolderCommand = 'inspect' | 'preprocess' | 'submit';

function command(cmd: FolderCommand, folder: string, out: string, shared: Shared): string[] {
  if (cmd === 'inspect') return ['inspect', folder];
  if (cmd === 'preprocess') return ['preprocess', folder, '--out', join(out, 'cache'), '--threads', '1'];
  return ['submit', folder, '--model', shared.model, '--out', join(out, 'submission.csv')];
}

/**
 * A valid three-EEG folder with `edit` applied. `names` says which file the message must name:
 * 'train.csv', 'test.csv', a path inside the folder, or '' for the folder itself.
 */
function folder(
  name: string,
  expect: Expect,
  what: string,
  cmd: FolderCommand,
  names: string,
  edit: (f: FolderSpec) => FolderSpec,
  after?: (dir: string) => Promise<unknown>,
): CorpusCase {
  return {
    name,
    format: 'folder',
    expect,
    what,
    async make(dir, out, shared) {
      const root = join(dir, 'data');
      await writeFolder(root, edit(validFolder()));
      await after?.(root);
      return { args: command(cmd, root, out, shared), names: names ? join(root, names) : root };
    },
  };
}

const train =
  (...rows: string[]) =>
  (f: FolderSpec): FolderSpec => ({ ...f, train: [TRAIN_HEADER, ...rows].join('\n') + '\n' });
const trainText =
  (text: string) =>
  (f: FolderSpec): FolderSpec => ({ ...f, train: text });
const testText =
  (text: string) =>
  (f: FolderSpec): FolderSpec => ({ ...f, test: text });
const ok = (i: number, votes?: (string | number)[], offset?: string | number) => trainRow(1000 + (i % 3), 5000 + i, 100 + i, votes, offset);
const VALID = [ok(0), ok(1), ok(2)];
const bad = (name: string, what: string, ...rows: string[]) => folder(name, 'refuse', what, 'inspect', 'train.csv', train(...rows));

export const folderCases: CorpusCase[] = [
  bad('vote-huge', 'a vote of 1,000,000,000', ok(0), ok(1, [1e9, 0, 0, 0, 0, 0])),
  bad('vote-none', 'a row with no votes', ok(0), ok(1, [0, 0, 0, 0, 0, 0])),
  bad('id-path', 'an eeg_id of ../../ESCAPED', ok(0), trainRow('../../ESCAPED', 5009, 1)),
  folder('id-path-preprocess', 'refuse', 'preprocess with an eeg_id of ../../ESCAPED', 'preprocess', 'train.csv', train(ok(0), trainRow('../../ESCAPED', 5009, 1))),
  bad('label-duplicate', 'label_id 5000 twice', ok(0), trainRow(1001, 5000, 2)),
  bad('offset-negative', 'an offset of -10 s', ok(0, undefined, -10)),
  bad('ragged-row', 'a row with too few fields', ok(0), '1001,0,0'),
  folder('header-only-train', 'refuse', 'train.csv with a header and no rows', 'inspect', 'train.csv', trainText(TRAIN_HEADER + '\n')),
  folder(
    'missing-column',
    'refuse',
    'train.csv without patient_id',
    'inspect',
    'train.csv',
    trainText(TRAIN_HEADER.replace('patient_id,', '') + '\n' + ok(0).replace(',100,Other', ',Other') + '\n'),
  ),
  folder('duplicate-column', 'refuse', 'train.csv with eeg_id twice', 'inspect', 'train.csv', trainText(`${TRAIN_HEADER},eeg_id\n${ok(0)},1002\n`)),
  folder('test-id-path', 'refuse', 'a test.csv eeg_id of ../x', 'inspect', 'test.csv', testText('spectrogram_id,eeg_id,patient_id\n1,../x,2\n')),
  folder('neither-csv', 'refuse', 'a folder without train.csv or test.csv', 'inspect', '', (f) => ({ ...f, train: undefined, test: undefined })),
  ...(['fifo', 'dev-zero', 'loop'] as const).map((kind) =>
    folder(
      `train-${kind}`,
      'refuse',
      `train.csv: ${kind}`,
      'inspect',
      'train.csv',
      (f) => ({ ...f, train: undefined }),
      (root) => oddPath(kind, join(root, 'train.csv')),
    ),
  ),
  folder('eeg-missing', 'refuse', 'train.csv naming an EEG that is not there (the only one)', 'preprocess', 'train_eegs/1000.parquet', (f) => ({
    ...f,
    train: [TRAIN_HEADER, ok(0)].join('\n'),
    trainEegs: {},
  })),
  folder(
    'eeg-garbage',
    'refuse',
    'the only EEG not parquet',
    'preprocess',
    'train_eegs/1000.parquet',
    (f) => ({ ...f, train: [TRAIN_HEADER, ok(0)].join('\n'), trainEegs: {} }),
    (root) => put(join(root, 'train_eegs', '1000.parquet'), 'not parquet'),
  ),
  folder(
    'test-eeg-missing',
    'refuse',
    'test.csv naming an EEG that is not there',
    'submit',
    'test_eegs/2001.parquet',
    testText('spectrogram_id,eeg_id,patient_id\n9,2000,100\n9,2001,100\n'),
  ),
  folder('test-eeg-all-nan', 'refuse', 'a test EEG of NaN', 'submit', 'test_eegs/2000.parquet', (f) => ({
    ...f,
    testEegs: { 2000: eegChannels(WINDOW_SAMPLES).map((c) => c.fill(NaN)) },
  })),
  // Valid but odd.
  folder('bom-crlf', 'accept', 'train.csv and test.csv with a BOM and CRLF line ends', 'inspect', '', (f) => ({
    ...f,
    train: '\uFEFF' + [TRAIN_HEADER, ...VALID].join('\r\n') + '\r\n',
    test: '\uFEFFspectrogram_id,eeg_id,patient_id\r\n9,2000,100\r\n',
  })),
  folder('bom-only', 'accept', 'train.csv with a BOM', 'preprocess', '', trainText('\uFEFF' + [TRAIN_HEADER, ...VALID].join('\n'))),
  folder('submit-bom-crlf', 'accept', 'submit from a test.csv with a BOM and CRLF', 'submit', '', testText('\uFEFFspectrogram_id,eeg_id,patient_id\r\n9,2000,100\r\n')),
  {
    name: 'unicode-folder',
    format: 'folder',
    expect: 'accept',
    what: 'a dataset folder named "données EEG ✓"',
    async make(dir, out) {
      const root = join(dir, 'données EEG ✓');
      await writeFolder(root, validFolder());
      return { args: ['preprocess', root, '--out', join(out, 'cache ✓'), '--threads', '1'], names: root };
    },
  },
];
