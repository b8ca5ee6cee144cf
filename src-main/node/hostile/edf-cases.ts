/** Damaged and odd EDF, EDF+ and BDF files. */
import { join } from 'node:path';
import { encodeEdf } from '../formats/edf-write';
import { fileCase, fileCases, oddPath, put, truncate } from './case-kit';
import type { CorpusCase, Expect } from './corpus-case';
import { discontinuous, setField, setSignalField, setTal, toBdf } from './edf-bytes';
import { CLINICAL_LABELS, edfRecording, encodeEdfSeconds } from './shared';

type Commands = Parameters<typeof fileCases>[4];

/** A file made from the 60-s, 200-Hz EDF+C base (or `base`), written as x.edf. */
const edf = (name: string, expect: Expect, what: string, commands: Commands, make: (base: Uint8Array) => Uint8Array, base = () => encodeEdfSeconds(60), ext = 'edf') =>
  fileCases('edf', name, expect, what, commands, (dir) => put(join(dir, `x.${ext}`), make(base())));

const bdf = (name: string, expect: Expect, what: string, commands: Commands, make: (base: Uint8Array) => Uint8Array) =>
  fileCases('bdf', name, expect, what, commands, (dir) => put(join(dir, 'x.bdf'), make(toBdf(encodeEdfSeconds(60)))));

const same = (b: Uint8Array) => b;
const labels = (names: string[]) => () => encodeEdf(edfRecording(60, 200, names));
const HOURS_74 = 74 * 3600;

export const edfCases: CorpusCase[] = [
  ...edf('rate-1hz', 'refuse', 'EEG sampled at 1 Hz', ['window'], same, () => encodeEdfSeconds(120, 1)),
  ...edf('rate-20hz', 'refuse', 'EEG sampled at 20 Hz (its Nyquist below the 20-Hz band edge)', ['classify'], same, () => encodeEdfSeconds(60, 20)),
  ...edf('unit-degc', 'refuse', 'every EEG signal in degC', ['inspect'], (b) => setSignalField(b, 'dimension', 'signals', 'degC')),
  ...edf('unit-degc-one', 'refuse', 'Cz in degC', ['window'], (b) => setSignalField(b, 'dimension', 9, 'degC')),
  ...edf('physical-1e300', 'refuse', 'physical range ±1e300', ['window'], (b) =>
    setSignalField(setSignalField(b, 'physicalMin', 'signals', '-1e300'), 'physicalMax', 'signals', '1e300'),
  ),
  ...edf('physical-1e38-volts', 'refuse', 'physical range ±1e38 V (past float32 in µV)', ['inspect'], (b) =>
    setSignalField(setSignalField(setSignalField(b, 'physicalMin', 0, '-1e38'), 'physicalMax', 0, '1e38'), 'dimension', 0, 'V'),
  ),
  ...edf('truncated-header', 'refuse', 'the first 300 bytes', ['inspect'], (b) => b.subarray(0, 300)),
  ...edf('truncated-95', 'warn', 'the last 5% cut (3 records short of the count)', ['inspect'], (b) => truncate(b, 0.95)),
  ...edf('truncated-last-record', 'accept', 'the last record cut short', ['window'], (b) => b.subarray(0, b.length - 1000)),
  ...edf('header-bytes-lie', 'refuse', 'a header size of 9999', ['inspect'], (b) => setField(b, 'headerBytes', '9999')),
  ...edf('records-zero', 'refuse', '0 records, none present', ['inspect'], (b) => setField(b.subarray(0, 256 * 22), 'records', '0')),
  ...edf('records-negative', 'refuse', 'a record count of -5', ['inspect'], (b) => setField(b, 'records', '-5')),
  ...edf('records-huge', 'warn', 'a record count of 99999999 (60 present)', ['inspect'], (b) => setField(b, 'records', '99999999')),
  ...edf('spr-huge', 'refuse', 'Fp1 with 99999999 samples per record', ['inspect'], (b) => setSignalField(b, 'samplesPerRecord', 0, '99999999')),
  ...edf('duration-tiny', 'refuse', 'records of 1e-300 s (a rate of 2e302 Hz)', ['inspect'], (b) => setField(b, 'recordSeconds', '1e-300')),
  ...edf('gap-74h', 'refuse', 'EDF+D of 480 KB whose records leave a 74-hour gap: no 50-s stretch of data', ['classify', 'timeline'], (b) =>
    discontinuous(b, (r) => (r < 30 ? r : r + HOURS_74)),
  ),
  ...edf('gap-overlap', 'refuse', 'EDF+D whose record 11 starts before record 10 ends', ['inspect'], (b) => discontinuous(b, (r) => (r === 10 ? 5 : r))),
  ...edf('gap-no-timekeeping', 'refuse', 'EDF+D with a record lacking its time-keeping TAL', ['inspect'], (b) =>
    setTal(
      discontinuous(b, (r) => r),
      7,
      '',
    ),
  ),
  ...edf('gap-onset-1e20', 'refuse', 'EDF+D with a record at 1e20 s', ['window'], (b) =>
    setTal(
      discontinuous(b, (r) => r),
      59,
      '+100000000000000000000\x14\x14\x00',
    ),
  ),
  ...edf('tal-no-separator', 'refuse', 'a TAL without its separator', ['inspect'], (b) => setTal(b, 3, '+3garbage\x00')),
  ...edf('no-eeg-labels', 'refuse', 'signals named A1 … A20', ['window'], same, labels(CLINICAL_LABELS.map((_, i) => `Aux${i}`))),
  ...edf('duplicate-electrode', 'refuse', 'two signals that are Fp1', ['classify'], same, labels(CLINICAL_LABELS.map((l, i) => (i === 8 ? 'Fp1' : l)))),
  ...bdf('bdf-1hz', 'refuse', 'BDF at 1 Hz', ['inspect'], () => toBdf(encodeEdfSeconds(120, 1))),
  ...bdf('bdf-truncated', 'refuse', 'BDF cut inside its header', ['inspect'], (b) => b.subarray(0, 700)),
  ...bdf('bdf-degc', 'refuse', 'BDF in degC', ['window'], (b) => setSignalField(b, 'dimension', 'signals', 'degC')),
  ...['fifo', 'dev-zero'].map((kind) => fileCase('path', `edf-${kind}`, 'refuse', `x.edf: ${kind}`, 'inspect', (dir) => oddPath(kind as 'fifo', join(dir, 'x.edf')))),
  // Valid but odd.
  ...edf('gap-74h-read', 'accept', 'EDF+D of 480 KB whose records leave a 74-hour gap, read in bounded memory', ['inspect'], (b) =>
    discontinuous(b, (r) => (r < 30 ? r : r + HOURS_74)),
  ),
  ...edf(
    'gap-74h-halves',
    'warn',
    'EDF+D of two minutes 74 hours apart: a timeline on each side, the gap said',
    ['timeline'],
    (b) => discontinuous(b, (r) => (r < 60 ? r : r + HOURS_74)),
    () => encodeEdfSeconds(120),
  ),
  ...edf('gap-4s', 'accept', 'EDF+D with a 4-s gap at 25 s', ['window'], (b) => discontinuous(b, (r) => (r < 25 ? r : r + 4))),
  ...edf('rate-10khz', 'accept', '55 s at 10 kHz', ['window'], same, () => encodeEdfSeconds(55, 10_000)),
  ...edf('rate-100hz', 'accept', 'EEG at 100 Hz', ['classify'], same, () => encodeEdfSeconds(60, 100)),
  ...edf('unit-blank', 'accept', 'no physical dimension', ['window'], (b) => setSignalField(b, 'dimension', 'signals', '')),
  ...bdf('bdf-valid', 'accept', 'BDF+C, 24-bit', ['window'], same),
  ...fileCases('edf', 'unicode-path-edf', 'accept', 'été/脑 电.EDF', ['classify'], (dir) => put(join(dir, 'été', '脑 电.EDF'), encodeEdfSeconds(60))),
];
