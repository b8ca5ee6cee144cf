/**
 * Training in a child process, so that its memory, its worker threads and any crash stay out of
 * the caller (the CLI, the web host; Electron uses a utility process with the same messages).
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { TrainConfig, TrainEvent, TrainResult } from '../../core/training';
import type { TrainCommand } from './protocol';

const BOOTSTRAP = new URL('../workers/child-bootstrap.mjs', import.meta.url);
const CHILD = new URL('./child.ts', import.meta.url);

export interface TrainingProcess {
  readonly pid: number;
  /** Stops after the current step; `done` then resolves with status 'cancelled'. */
  cancel(): void;
  /** The run's result, or a rejection naming what went wrong — including the process dying. */
  done: Promise<TrainResult>;
}

export function startTrainingProcess(config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void = () => {}): TrainingProcess {
  const child: ChildProcess = fork(BOOTSTRAP, [CHILD.href], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const command = (c: TrainCommand) => child.connected && child.send(c);
  const done = new Promise<TrainResult>((resolve, reject) => {
    let result: TrainResult | null = null;
    let failure: string | null = null;
    child.on('message', (event: TrainEvent) => {
      if (event.type === 'done') result = event.result;
      else if (event.type === 'error') failure = event.message;
      onEvent(event);
    });
    child.on('error', (err) => reject(new Error(`the training process could not run: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else if (failure) reject(new Error(failure));
      else reject(new Error(`the training process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); the last checkpoint in ${runDir} lets the run resume`));
    });
  });
  command({ type: 'start', config, runDir });
  return { pid: child.pid ?? -1, cancel: () => command({ type: 'cancel' }), done };
}
