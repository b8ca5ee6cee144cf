/**
 * Training in an Electron utility process: the same child module and protocol as the forked Node
 * process of the CLI (node/train/process.ts), started with `utilityProcess.fork`. The child runs
 * from the app's TypeScript sources through tsx, as the CLI's does (the bundled main cannot
 * carry them).
 */
import { app, utilityProcess } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrainConfig, TrainEvent } from '../core/training';
import { runTrainingChild, type TrainingProcess } from '../node/train/process';

export function launchTrainingUtility(config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void): TrainingProcess {
  const root = app.getAppPath();
  const child = utilityProcess.fork(join(root, 'src-main/node/workers/child-bootstrap.mjs'), [pathToFileURL(join(root, 'src-main/node/train/child.ts')).href], {
    serviceName: 'HMS Studio training',
    stdio: 'inherit',
  });
  return runTrainingChild(child, config, runDir, onEvent);
}
