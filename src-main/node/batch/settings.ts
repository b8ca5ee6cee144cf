/**
 * A batch's settings from its model file: the model is opened here once, so a model that cannot
 * classify stops the batch before any job is made, and its fingerprint ties every result to it.
 * The CLI and the app's backend both start batches through this.
 */
import type { ModelInfo } from '../../core/model-info';
import { checkFeedable } from '../infer/classify';
import { OnnxClassifier } from '../onnx/classifier';
import { type JobSettings, modelFingerprint } from './job';

export async function batchSettings(model: string, options: Omit<JobSettings, 'model' | 'fingerprint'>): Promise<{ settings: JobSettings; info: ModelInfo }> {
  const classifier = await OnnxClassifier.open(model, { preset: options.preset, threads: 1 });
  try {
    checkFeedable(classifier);
  } finally {
    await classifier.close();
  }
  return { settings: { model, fingerprint: await modelFingerprint(model), ...options }, info: classifier.info };
}
