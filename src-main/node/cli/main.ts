/** The `hms` command line: dispatch, help, and errors as one clear line. */
import { errorMessage } from '../../core/errors';
import { DataError } from '../../core/eeg';
import { parseArgs } from './args';
import { batchCommand } from './batch-command';
import { benchCommand } from './bench-command';
import { type CliIo, type Command, UsageError } from './command';
import { demoCommand } from './demo-command';
import { evaluateCommand } from './evaluate-command';
import { exportCommand } from './export-command';
import { classifyCommand } from './classify-command';
import { submitCommand } from './submit-command';
import { generateCommand } from './generate-command';
import { inspectCommand } from './inspect-command';
import { preprocessCommand } from './preprocess-command';
import { serveCommand } from './serve-command';
import { trainCommand } from './train-command';
import { windowCommand } from './window-command';
import { workerCommand } from './worker-command';

const COMMANDS: Command[] = [
  demoCommand,
  generateCommand,
  inspectCommand,
  windowCommand,
  preprocessCommand,
  trainCommand,
  evaluateCommand,
  exportCommand,
  classifyCommand,
  submitCommand,
  batchCommand,
  workerCommand,
  serveCommand,
  benchCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'hms — HMS Studio on the command line: read EEG, build datasets, train and classify.',
    '',
    'Usage: hms <command> [options]      hms <command> --help',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export function makeIo(json: boolean, signal: AbortSignal): CliIo {
  const tty = process.stderr.isTTY;
  let lastPlain = 0;
  return {
    out: (line) => (json ? process.stderr : process.stdout).write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    json: (value) => process.stdout.write(JSON.stringify(value) + '\n'),
    status: (line) => {
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (line && performance.now() - lastPlain > 5000) {
        lastPlain = performance.now();
        process.stderr.write(line + '\n');
      }
    },
    signal,
  };
}

export async function main(argv: string[]): Promise<number> {
  // `hms inspect … | head` closes our stdout early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const named = COMMANDS.find((c) => c.name === name);
  // A sub-command (`hms bench train`) has options of its own: what follows its name is its command line.
  const sub = named?.subcommands?.find((c) => c.name === `${name} ${rest[0]}`);
  const command = sub ?? named;
  const commandArgv = sub ? rest.slice(1) : rest;
  if (!command) {
    process.stderr.write(`hms: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (commandArgv.includes('--help') || commandArgv.includes('-h')) {
    process.stdout.write(`${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  // A warning about a file is one line, as an error is: Node's own adds the PID and a second line of advice.
  process.removeAllListeners('warning');
  process.on('warning', (w) => process.stderr.write(`hms ${command.name}: warning: ${w.name === 'DataWarning' ? '' : `${w.name}: `}${w.message}\n`));
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const args = parseArgs(commandArgv, command.options);
    return await command.run(args, makeIo(args.options.has('json'), controller.signal));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hms ${command.name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (err instanceof DataError) {
      process.stderr.write(`hms ${command.name}: ${err.message}\n`);
      return 1;
    }
    const message = errorMessage(err);
    process.stderr.write(`hms ${command.name}: ${message}\n`);
    if (process.env.HMS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
