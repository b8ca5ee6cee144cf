/** The shape of one `hms` sub-command, what it is given and how it refuses a command line; main.ts dispatches to these, args.ts parses for them. */

export interface OptionSpec {
  /** Number of values the option takes: 0 for a boolean flag. */
  values: number;
}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
}

export interface CliIo {
  /** Human-facing output (progress, tables): stderr when --json claims stdout. */
  out: (line: string) => void;
  err: (line: string) => void;
  /** Machine output: one JSON object on stdout. */
  json: (value: unknown) => void;
  /** A live status line (progress bar); a no-op when stderr is not a terminal. */
  status: (line: string) => void;
  /** Aborted on Ctrl-C: long work stops cleanly and keeps what it finished. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Options this command accepts; `json` is common to all that print results. */
  options: Record<string, OptionSpec>;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
  /** Commands under this one with options of their own, each named in full (`bench train`): `hms bench train …` runs that one. */
  subcommands?: Command[];
}

/** A wrong command line: main prints the message and the usage, exit code 2. */
export class UsageError extends Error {}
