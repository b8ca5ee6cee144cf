/** Building blocks of corpus cases: the commands a recording is put through, and damage done to bytes. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { CorpusCase, Expect, Format } from './corpus-case';
import type { Shared } from './shared';

/** inspect; window → .npy; classify one window with the shared model; a timeline; the foreign model with its preset. */
export type RecordingCommand = 'inspect' | 'window' | 'classify' | 'timeline' | 'foreign';

export function recordingCommand(command: RecordingCommand, file: string, out: string, shared: Shared): string[] {
  switch (command) {
    case 'inspect':
      return ['inspect', file];
    case 'window':
      return ['window', file, '--out', join(out, 'window.npy')];
    case 'classify':
      return ['classify', file, '--model', shared.model];
    case 'timeline':
      return ['classify', file, '--model', shared.model, '--timeline', '--stride', '5', '--out', join(out, 'timeline.csv')];
    case 'foreign':
      return ['classify', file, '--model', shared.foreignModel, '--preset', 'notebook'];
  }
}

/** A case of one input file (written by `write`, which returns its path) put through one command. */
export function fileCase(
  format: Format,
  name: string,
  expect: Expect,
  what: string,
  command: RecordingCommand,
  write: (dir: string, shared: Shared) => Promise<string>,
): CorpusCase {
  return {
    name,
    format,
    expect,
    what,
    async make(dir, out, shared) {
      const file = await write(dir, shared);
      return { args: recordingCommand(command, file, out, shared), names: file };
    },
  };
}

/** The same input through several commands: one case each, named `<name>-<command>`. */
export function fileCases(
  format: Format,
  name: string,
  expect: Expect,
  what: string,
  commands: RecordingCommand[],
  write: (dir: string, shared: Shared) => Promise<string>,
): CorpusCase[] {
  return commands.map((command) => fileCase(format, `${name}-${command}`, expect, what, command, write));
}

export async function put(path: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** Paths that are not regular files: a named pipe, a link to /dev/zero, a loop of links, a folder. */
export async function oddPath(kind: 'fifo' | 'dev-zero' | 'loop' | 'folder' | 'missing', path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  if (kind === 'fifo') execFileSync('mkfifo', [path]);
  else if (kind === 'dev-zero') await symlink('/dev/zero', path);
  else if (kind === 'loop') {
    await symlink(`${path}.other`, path);
    await symlink(path, `${path}.other`);
  } else if (kind === 'folder') await mkdir(path);
  return path;
}

export const ODD_PATHS = ['fifo', 'dev-zero', 'loop', 'folder', 'missing'] as const;

/** The first `fraction` of the bytes. */
export const truncate = (bytes: Uint8Array, fraction: number) => bytes.slice(0, Math.floor(bytes.length * fraction));

/** Deterministic noise bytes. */
export function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed * 2654435761;
  for (let i = 0; i < length; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}
