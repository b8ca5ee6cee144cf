/**
 * The headless demo on the built-in dataset, step by step: generate, preprocess, train the default
 * model on the CPU (in its own process, within a time budget), evaluate on held-out patients
 * against floor and prior, export ONNX, classify an unseen recording, a stitched 10-minute EDF as
 * a timeline and the test split as a Kaggle submission, and write the report.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { summariseTrainRows } from '../../core/dataset';
import { klDivergence } from '../../core/metrics';
import type { ModelInfo } from '../../core/model-info';
import { openHmsFolder } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { renderPreview } from '../generate/preview';
import { classifyRecording, prepareRecording } from '../infer/classify';
import { classifyFileTimeline } from '../infer/file-timeline';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { predictTestFolder, writeSubmission } from '../infer/submission';
import { OnnxClassifier } from '../onnx/classifier';
import { readHeldOut, stitchEdf } from './held-out';
import { DEMO_STEPS, ratio, runRecipe, type RecipeOptions } from './recipe';
import { demoReport, type DemoFacts } from './report';

export type DemoOptions = Omit<RecipeOptions, 'timings'>;

export { DEMO_STEPS };

type Timed = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export async function runDemo(options: DemoOptions): Promise<DemoFacts | null> {
  const o = { ...options, out: resolve(options.out) };
  await mkdir(o.out, { recursive: true });
  const timings: Record<string, number> = {};
  const timed: Timed = async (name, work) => {
    const t0 = performance.now();
    const r = await work();
    timings[name] = (performance.now() - t0) / 1000;
    return r;
  };
  const recipe = await runRecipe({ ...o, timings });
  if (!recipe) return null;
  const { info, modelBytes } = await exportModel(o, recipe.runDir, timed);
  o.say(`5/${DEMO_STEPS} classifying unseen recordings with onnxruntime`);
  const unseen = await classifyUnseen(o.out, recipe.data, timed);
  const { classified, timeline, submission } = unseen;
  o.say(
    `    one recording: ${top(classified.probabilities)}; timeline: ${timeline.points.length} windows along ${Math.round(timeline.bands.at(-1)!.endSec)} s; submission KL ${submission.kl.toFixed(3)} (prior ${recipe.dataset.test.priorKL.toFixed(3)}, floor ${submission.floorKL.toFixed(3)}): ${ratio(submission.kl, recipe.dataset.test.priorKL)}× the prior`,
  );

  o.say(`6/${DEMO_STEPS} writing ${join(o.out, 'report.html')}`);
  const panels = await renderPreview(recipe.data, join(o.out, 'preview.png'));
  const folder = await openHmsFolder(recipe.data);
  const facts: DemoFacts = {
    out: o.out,
    dataset: recipe.dataset,
    datasetSummary: summariseTrainRows(folder.train ?? []),
    usableWindows: recipe.manifest.windows.filter((w) => !w.rejected).length,
    trained: recipe.trained,
    evaluation: recipe.evaluation,
    info,
    modelBytes,
    ...unseen,
    panels,
    previewPng: await readFile(join(o.out, 'preview.png')),
    timings,
  };
  await writeFileAtomic(join(o.out, 'report.html'), demoReport(facts));
  return facts;
}

/** Step 4: the best checkpoint as ONNX, with the temperature fitted on the held-out fold. */
async function exportModel(o: DemoOptions, runDir: string, timed: Timed): Promise<{ info: ModelInfo; modelBytes: number }> {
  const modelPath = join(o.out, 'model.onnx');
  o.say(`4/${DEMO_STEPS} exporting ${modelPath}`);
  const info = await timed('export', () => exportCheckpoint(runDir, modelPath, { onUncalibrated: (reason) => o.say(`    ${reason}`) }));
  const c = info.calibration;
  if (c)
    o.say(
      `    calibrated on ${c.windows} held-out windows: temperature ${c.temperature.toFixed(2)}, KL ${c.klBefore.toFixed(3)} → ${c.klAfter.toFixed(3)}, expected calibration error ${c.eceBefore.toFixed(3)} → ${c.eceAfter.toFixed(3)}`,
    );
  return { info, modelBytes: (await stat(modelPath)).size };
}

/** Step 5: one test recording, the test recordings stitched into one long EDF, and the test split as a submission. */
async function classifyUnseen(out: string, data: string, timed: Timed): Promise<Pick<DemoFacts, 'classified' | 'timeline' | 'submission'>> {
  const heldOut = await readHeldOut(data);
  const model = await OnnxClassifier.open(join(out, 'model.onnx'));
  try {
    const classified = await timed('classify', async () => {
      const one = heldOut[0];
      return { eegId: one.eegId, probabilities: await classifyRecording(model, await prepareRecording(one.path, model.info)), truth: one.truth, votes: one.votes };
    });
    const edf = join(out, 'stitched-test.edf');
    const bands = await stitchEdf(heldOut, edf);
    const timeline = await timed('timeline', async () => ({ file: edf, bands, points: (await classifyFileTimeline(model, edf, 10)).points }));
    const submission = await timed('submit', async () => {
      const rows = await predictTestFolder(model, data);
      await writeSubmission(join(out, 'submission.csv'), rows);
      const byId = new Map(rows.map((r) => [r.eegId, r.probabilities]));
      const targets = heldOut.map((h) => h.votes.map((v) => v / h.votes.reduce((a, b) => a + b, 0)));
      const kl = klDivergence(
        targets,
        heldOut.map((h) => byId.get(h.eegId)!),
      );
      const floorKL = klDivergence(
        targets,
        heldOut.map((h) => h.truth),
      );
      return { rows: rows.length, kl, floorKL };
    });
    return { classified, timeline, submission };
  } finally {
    await model.close();
  }
}

function top(p: Record<string, number>): string {
  return Object.entries(p)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([c, v]) => `${c} ${v.toFixed(2)}`)
    .join(', ');
}
