/**
 * Training in a child process, so that its memory, its worker threads and any crash stay out of
 * the caller. The CLI and the web host fork a Node process; Electron starts a utility process —
 * both are a `TrainingChild`, so the protocol and its failure handling are one code path.
 */
import type { TrainConfig, TrainEvent, TrainResult } from '../../core/training';
import { forkEntry } from '../workers/entries';
import type { TrainCommand } from './protocol';

/** What both a forked Node process and Electron's UtilityProcess offer. */
export interface TrainingChild {
  readonly pid: number | undefined;
  postMessage(message: TrainCommand): void;
  on(event: 'message', listener: (message: TrainEvent) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string | null) => void): unknown;
}

export interface TrainingProcess {
  readonly pid: number;
  /** Stops after the current step; `done` then resolves with status 'cancelled'. */
  cancel(): void;
  /** The run's result, or a rejection naming what went wrong — including the process dying. */
  done: Promise<TrainResult>;
}

/** A forked Node process speaking the protocol over its IPC channel. */
export function forkNodeChild(): TrainingChild {
  const child = forkEntry('training-child', { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => {
      if (child.connected) child.send(message);
    },
    on: (event: 'message' | 'exit', listener: (...args: never[]) => void) => child.on(event, listener as (...args: unknown[]) => void),
  };
}

export function runTrainingChild(child: TrainingChild, config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void = () => {}): TrainingProcess {
  const done = new Promise<TrainResult>((resolve, reject) => {
    let result: TrainResult | null = null;
    let failure: string | null = null;
    child.on('message', (event) => {
      if (event.type === 'done') result = event.result;
      else if (event.type === 'error') failure = event.message;
      onEvent(event);
    });
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else if (failure) reject(new Error(failure));
      else reject(new Error(`the training process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); the last checkpoint in ${runDir} lets the run resume`));
    });
  });
  child.postMessage({ type: 'start', config, runDir });
  return { pid: child.pid ?? -1, cancel: () => child.postMessage({ type: 'cancel' }), done };
}

export function startTrainingProcess(config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void = () => {}): TrainingProcess {
  return runTrainingChild(forkNodeChild(), config, runDir, onEvent);
}
