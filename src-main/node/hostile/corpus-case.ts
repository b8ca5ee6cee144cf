/**
 * What a corpus case is: the input it writes, the command line `hms` is run with, and what must
 * happen. Its own module, so that the case lists import it and corpus.ts imports the lists.
 */
import type { Shared } from './shared';

export type Format = 'parquet' | 'edf' | 'bdf' | 'folder' | 'onnx' | 'run' | 'path' | 'options';

/**
 * refuse: exit 1, stderr one line naming the file; usage: exit 2, the first line naming the option;
 * warn: exit 0 with a line naming the file on stderr; accept: exit 0, nothing wrong said.
 */
export type Expect = 'refuse' | 'usage' | 'warn' | 'accept';

export interface Made {
  /** The command line after `hms`. */
  args: string[];
  /** What the message must name: the file at fault (or the option, for a usage error). */
  names: string;
}

export interface CorpusCase {
  name: string;
  format: Format;
  expect: Expect;
  /** What the input is, for the report. */
  what: string;
  /** Words the message must hold, where a message that merely names the file was found unclear (a loop called "no such file"). */
  says?: RegExp;
  /** Writes the input under `dir`; `out` is the only folder `hms` may write to. */
  make(dir: string, out: string, shared: Shared): Promise<Made>;
}
