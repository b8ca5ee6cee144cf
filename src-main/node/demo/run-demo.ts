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
import { DEFAULT_TRAIN_CONFIG, type TrainEvent, type TrainResult } from '../../core/training';
import { buildCache } from '../cache/build';
import { openHmsFolder } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { generateDataset } from '../generate/dataset';
import { renderPreview } from '../generate/preview';
import { classifyRecording, classifyTimeline, prepareRecording } from '../infer/classify';
import { exportCheckpoint } from '../infer/export-checkpoint';
import { predictTestFolder, writeSubmission } from '../infer/submission';
import { OnnxClassifier } from '../onnx/classifier';
import { startTrainingProcess } from '../train/process';
import { readHeldOut, stitchEdf } from './held-out';
import { demoReport, type DemoFacts } from './report';

export interface DemoOptions {
  out: string;
  seed: number;
  /** Training budget in seconds. */
  trainSeconds: number;
  signal?: AbortSignal;
  say: (line: string) => void;
  status: (line: string) => void;
  onTrainEvent?: (event: TrainEvent) => void;
}

export const DEMO_STEPS = 6;

export async function runDemo(o: DemoOptions): Promise<DemoFacts | null> {
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const data = join(out, 'data');
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await work();
    timings[name] = (performance.now() - t0) / 1000;
    return r;
  };

  o.say(`1/${DEMO_STEPS} generating the built-in dataset in ${data}`);
  const dataset = await timed('generate', () => generateDataset({ out: data, seed: o.seed, signal: o.signal, onProgress: (d, t) => o.status(`  generate ${d}/${t} patients`) }));
  o.status('');
  o.say(`    ${dataset.windows} windows, ${dataset.patients} patients; floor KL ${dataset.floorKL.toFixed(3)}, prior KL ${dataset.priorKL.toFixed(3)}`);

  o.say(`2/${DEMO_STEPS} preprocessing (bipolar, 0.5–20 Hz, ±1024 µV)`);
  const cacheDir = join(out, 'cache');
  const cache = await timed('preprocess', () => buildCache(data, cacheDir, { signal: o.signal, onProgress: (p) => o.status(`  preprocess ${p.done}/${p.total} EEGs`) }));
  o.status('');
  if (!cache.manifest) return null;

  const runDir = join(out, 'run');
  o.say(
    `3/${DEMO_STEPS} training ${DEFAULT_TRAIN_CONFIG.model} on the CPU for at most ${Math.round(o.trainSeconds / 60)} min (held-out patients: fold 1 of ${DEFAULT_TRAIN_CONFIG.folds})`,
  );
  const config = { ...DEFAULT_TRAIN_CONFIG, cacheDir, timeLimitSec: o.trainSeconds };
  const proc = startTrainingProcess(config, runDir, (e) => o.onTrainEvent?.(e));
  const onAbort = () => proc.cancel();
  o.signal?.addEventListener('abort', onAbort);
  let trained: TrainResult;
  try {
    trained = await timed('train', () => proc.done);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const evaluation = trained.evaluation;
  if (!evaluation) return null;
  o.say(
    `    ${trained.epochs} epochs, best ${trained.bestEpoch}: validation KL ${evaluation.valKL.toFixed(3)} (floor ${evaluation.floorKL?.toFixed(3)}, prior ${evaluation.priorKL.toFixed(3)}), accuracy ${(100 * evaluation.accuracy).toFixed(0)}%`,
  );

  o.say(`4/${DEMO_STEPS} exporting ${join(out, 'model.onnx')}`);
  const modelPath = join(out, 'model.onnx');
  const info = await timed('export', () => exportCheckpoint(runDir, modelPath, { onUncalibrated: (reason) => o.say(`    ${reason}`) }));
  if (info.calibration)
    o.say(
      `    calibrated on ${info.calibration.windows} held-out windows: temperature ${info.calibration.temperature.toFixed(2)}, KL ${info.calibration.klBefore.toFixed(3)} → ${info.calibration.klAfter.toFixed(3)}`,
    );
  const modelBytes = (await stat(modelPath)).size;

  o.say(`5/${DEMO_STEPS} classifying unseen recordings with onnxruntime`);
  const heldOut = await readHeldOut(data);
  const model = await OnnxClassifier.open(modelPath);
  let classified: DemoFacts['classified'];
  let timeline: DemoFacts['timeline'];
  let submission: DemoFacts['submission'];
  try {
    classified = await timed('classify', async () => {
      const one = heldOut[0];
      return { eegId: one.eegId, probabilities: await classifyRecording(model, await prepareRecording(one.path, model.info)), truth: one.truth, votes: one.votes };
    });
    const edf = join(out, 'stitched-test.edf');
    const bands = await stitchEdf(heldOut, edf);
    timeline = await timed('timeline', async () => ({ file: edf, bands, points: await classifyTimeline(model, await prepareRecording(edf, model.info), 10) }));
    submission = await timed('submit', async () => {
      const rows = await predictTestFolder(model, data);
      await writeSubmission(join(out, 'submission.csv'), rows);
      const byId = new Map(rows.map((r) => [r.eegId, r.probabilities]));
      const targets = heldOut.map((h) => h.votes.map((v) => v / h.votes.reduce((a, b) => a + b, 0)));
      return {
        rows: rows.length,
        kl: klDivergence(
          targets,
          heldOut.map((h) => byId.get(h.eegId)!),
        ),
        floorKL: klDivergence(
          targets,
          heldOut.map((h) => h.truth),
        ),
      };
    });
  } finally {
    await model.close();
  }
  o.say(
    `    one recording: ${top(classified.probabilities)}; timeline: ${timeline.points.length} windows along ${Math.round(timeline.bands.at(-1)!.endSec)} s; submission KL ${submission.kl.toFixed(3)} (floor ${submission.floorKL.toFixed(3)})`,
  );

  o.say(`6/${DEMO_STEPS} writing ${join(out, 'report.html')}`);
  const panels = await renderPreview(data, join(out, 'preview.png'));
  const folder = await openHmsFolder(data);
  const facts: DemoFacts = {
    out,
    dataset,
    datasetSummary: summariseTrainRows(folder.train ?? []),
    usableWindows: cache.manifest.windows.filter((w) => !w.rejected).length,
    trained,
    evaluation,
    info,
    modelBytes,
    classified,
    timeline,
    submission,
    panels,
    previewPng: await readFile(join(out, 'preview.png')),
    timings,
  };
  await writeFileAtomic(join(out, 'report.html'), demoReport(facts));
  return facts;
}

function top(p: Record<string, number>): string {
  return Object.entries(p)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([c, v]) => `${c} ${v.toFixed(2)}`)
    .join(', ');
}
