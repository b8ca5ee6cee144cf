/**
 * The messages between a training process and whoever started it (CLI, web host, Electron's
 * utility process host). The child speaks `TrainEvent` (core/training.ts); the parent says:
 */
import type { TrainConfig } from '../../core/training';

export type TrainCommand = { type: 'start'; config: TrainConfig; runDir: string } | { type: 'cancel' };
