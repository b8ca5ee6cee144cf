/** `hms inspect <file|folder> [--json]` */
import { CLASSES } from '../../core/eeg';
import type { FileInspection, FolderInspection } from '../../core/api';
import { inspectPath } from '../inspect';
import { flag } from './args';
import { type Command, UsageError } from './command';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'describe a recording (channels, rate, duration, missing data, amplitude) or a dataset folder',
  usage: 'hms inspect <file|folder> [--json]',
  options: { json: { values: 0 } },
  async run(args, io) {
    const [path] = args.positional;
    if (!path || args.positional.length > 1) throw new UsageError('give one file or folder');
    const result = await inspectPath(path);
    if (flag(args, 'json')) io.json(result);
    else (result.kind === 'file' ? describeFile(result) : describeFolder(result)).forEach((l) => io.out(l));
    return 0;
  },
};

function describeFile(f: FileInspection): string[] {
  const lines = [
    `${f.path}`,
    `  format     ${f.format}`,
    `  channels   ${f.channels.length}: ${f.channels.join(' ')}`,
    `  rate       ${f.sampleRateHz} Hz`,
    `  duration   ${f.durationSec.toFixed(1)} s (${f.samples} samples)`,
  ];
  if (f.annotations) lines.push(`  annotations ${f.annotations}`);
  lines.push('', `  ${'channel'.padEnd(8)} ${'missing'.padStart(8)} ${'mean'.padStart(10)} ${'std'.padStart(10)} ${'min'.padStart(10)} ${'max'.padStart(10)}  unit`);
  for (const c of f.channelStats) {
    const num = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-').padStart(10);
    lines.push(`  ${c.name.padEnd(8)} ${(c.missingFraction * 100).toFixed(1).padStart(7)}% ${num(c.mean)} ${num(c.std)} ${num(c.min)} ${num(c.max)}  ${c.unit}`);
  }
  return lines;
}

function describeFolder(f: FolderInspection): string[] {
  const lines = [
    `${f.path}`,
    `  windows    ${f.windows} labelled (${f.windowsWithTenOrMoreRaters} with ≥10 raters)`,
    `  EEGs       ${f.eegs}`,
    `  patients   ${f.patients}`,
    `  test       ${f.testRecordings} recordings`,
    '',
    '  class counts (expert consensus)',
  ];
  const most = Math.max(1, ...CLASSES.map((c) => f.classCounts[c]));
  for (const c of CLASSES) {
    lines.push(`  ${c.padEnd(8)} ${String(f.classCounts[c]).padStart(7)} ${'█'.repeat(Math.round((f.classCounts[c] / most) * 30))}`);
  }
  lines.push('', '  votes per window');
  const peak = Math.max(1, ...f.raterHistogram);
  f.raterHistogram.forEach((n, votes) => {
    if (n) lines.push(`  ${String(votes).padStart(3)} ${String(n).padStart(7)} ${'█'.repeat(Math.max(1, Math.round((n / peak) * 30)))}`);
  });
  return lines;
}
