/**
 * Training in an Electron utility process: the same child entry and protocol as the forked Node
 * process of the CLI (node/train/process.ts), started with `utilityProcess.fork` on the built
 * training-child.js beside the bundled main. Its output is piped, so the run's training.log keeps it.
 */
import { utilityProcess } from 'electron';
import type { TrainConfig, TrainEvent } from '../core/training';
import { runTrainingChild, type TrainingProcess } from '../node/train/process';
import { entryFile } from '../node/workers/entries';

export function launchTrainingUtility(config: TrainConfig, runDir: string, onEvent: (event: TrainEvent) => void): TrainingProcess {
  const child = utilityProcess.fork(entryFile('training-child'), [], { serviceName: 'HMS Studio training', stdio: 'pipe' });
  return runTrainingChild(child, config, runDir, onEvent);
}
