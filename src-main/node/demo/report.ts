/** demo-out/report.html: one self-contained page of what the demo did and found, pictures inline. */
import type { ReliabilityBin } from '../../core/calibration';
import { CLASSES } from '../../core/eeg';
import type { summariseTrainRows } from '../../core/dataset';
import type { Evaluation } from '../../core/evaluation';
import type { ModelInfo } from '../../core/model-info';
import { backendLine, type TrainResult } from '../../core/training';
import type { GenerateSummary } from '../generate/dataset';
import type { PreviewPanel } from '../generate/preview';
import type { Probabilities, TimelinePoint } from '../infer/classify';
import { CLASS_COLOURS } from '../../core/class-colours';
import { confusionChart, lineChart, timelineChart, type TimelineBand } from './svg-charts';

export interface DemoFacts {
  out: string;
  dataset: GenerateSummary;
  datasetSummary: ReturnType<typeof summariseTrainRows>;
  usableWindows: number;
  trained: TrainResult;
  evaluation: Evaluation;
  info: ModelInfo;
  modelBytes: number;
  classified: { eegId: string; probabilities: Probabilities; truth: number[]; votes: number[] };
  timeline: { file: string; bands: TimelineBand[]; points: TimelinePoint[] };
  submission: { rows: number; kl: number; floorKL: number };
  panels: PreviewPanel[];
  previewPng: Buffer;
  timings: Record<string, number>;
}

const f = (v: number | undefined | null) => (v === undefined || v === null || Number.isNaN(v) ? '—' : v.toFixed(3));
const pct = (v: number) => (Number.isNaN(v) ? '—' : `${(100 * v).toFixed(0)}%`);
const times = (a: number, b: number | undefined) => (b && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '—');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function bars(values: Record<string, number>, scale = 300): string {
  const most = Math.max(...Object.values(values), 1e-9);
  return Object.entries(values)
    .map(
      ([k, v]) =>
        `<tr><td>${k}</td><td>${Number.isInteger(v) ? v : v.toFixed(3)}</td><td><div class="bar" style="width:${Math.max(2, (scale * v) / most)}px;background:${CLASS_COLOURS[k as keyof typeof CLASS_COLOURS] ?? '#3b7dd8'}"></div></td></tr>`,
    )
    .join('');
}

export function demoReport(d: DemoFacts): string {
  const e = d.evaluation;
  const s = d.dataset;
  const h = d.trained.history;
  const curve = lineChart(
    [
      { name: 'training loss', colour: '#3b7dd8', points: h.map((r) => [r.epoch, r.trainLoss]) },
      { name: 'validation KL', colour: '#d62728', points: h.map((r) => [r.epoch, r.valKL]) },
      {
        name: 'prior KL',
        colour: '#7f7f7f',
        dashed: true,
        points: [
          [1, e.priorKL],
          [h.length, e.priorKL],
        ],
      },
      ...(e.floorKL !== undefined
        ? [
            {
              name: 'floor KL',
              colour: '#2ca02c',
              dashed: true,
              points: [
                [1, e.floorKL],
                [h.length, e.floorKL],
              ] as [number, number][],
            },
          ]
        : []),
    ],
    { xLabel: 'epoch', yLabel: 'KL divergence' },
  );
  const votes = d.classified.votes.reduce((a, b) => a + b, 0);
  const classRows = CLASSES.map(
    (c, k) =>
      `<tr><td>${c}</td><td>${f(d.classified.probabilities[c])}</td><td>${f(d.classified.truth[k])}</td><td>${d.classified.votes[k]}/${votes}</td><td><div class="bar" style="width:${Math.max(2, 300 * d.classified.probabilities[c])}px;background:${CLASS_COLOURS[c]}"></div></td></tr>`,
  ).join('');
  const perClass = CLASSES.map((c) => `<tr><td>${c}</td><td>${e.perClass[c].support}</td><td>${pct(e.perClass[c].precision)}</td><td>${pct(e.perClass[c].recall)}</td></tr>`).join(
    '',
  );
  const timings = Object.entries(d.timings)
    .map(([k, v]) => `<tr><td>${k}</td><td>${v.toFixed(1)} s</td></tr>`)
    .join('');
  const peak = Math.max(...d.datasetSummary.raterHistogram);
  const raters = d.datasetSummary.raterHistogram
    .map((n, v) => (n ? `<tr><td>${v}</td><td>${n}</td><td><div class="bar" style="width:${Math.max(2, (300 * n) / peak)}px"></div></td></tr>` : ''))
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HMS Studio demo</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:1100px;color:#1b1f24}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:2px 10px;text-align:left}.bar{height:12px;background:#3b7dd8}img{max-width:100%;border:1px solid #ccc}code{background:#f4f5f7;padding:0 4px}.big{font-size:1.3em}</style>
</head><body>
<h1>HMS Studio — demo report</h1>
<p>Built-in dataset, seed ${s.seed} (${s.difficulty}, variety ${s.variety}): ${s.windows} labelled windows from ${s.train.recordings} recordings of ${s.patients} patients (${d.usableWindows} pass the NaN policy); ${s.test.windows} unseen test recordings of other patients.</p>

<h2>Training</h2>
<p>${esc(d.trained.config.model)} on ${esc(backendLine(d.trained.backend))}: ${d.trained.trainWindows} training windows, ${d.trained.valWindows} held out (fold 1 of ${d.trained.config.folds}, split by patient). ${d.trained.epochs} epochs in ${d.trained.seconds.toFixed(0)} s (stopped by: ${d.trained.stopReason}); the best epoch, ${d.trained.bestEpoch}, is the model.</p>
${curve}
<h2>On the held-out patients</h2>
<table><tr><th></th><th>all rows (${e.rows})</th><th>≥10 raters (${e.rows10})</th></tr>
<tr><td class="big">model KL</td><td class="big">${f(e.valKL)}</td><td class="big">${f(e.valKL10)}</td></tr>
<tr><td>floor KL (the truth itself: the best any model can do)</td><td>${f(e.floorKL)}</td><td>${f(e.floorKL10)}</td></tr>
<tr><td>prior KL (a model that ignores the EEG)</td><td>${f(e.priorKL)}</td><td>${f(e.priorKL10)}</td></tr>
<tr><td class="big">model KL ÷ prior KL (under 1: it learned from the EEG)</td><td class="big">${times(e.valKL, e.priorKL)}</td><td class="big">${times(e.valKL10, e.priorKL10)}</td></tr>
<tr><td>model KL ÷ floor KL (1 would be perfect)</td><td>${times(e.valKL, e.floorKL)}</td><td>${times(e.valKL10, e.floorKL10)}</td></tr></table>
<p>Seed ${s.seed}; ${d.trained.valWindows} windows of the patients of fold ${d.trained.config.fold + 1}, which training never saw but early stopping chose the epoch on. Accuracy against the experts' consensus: ${pct(e.accuracy)}.</p>
${confusionChart(e.confusion)}
<table><tr><th>class</th><th>windows</th><th>precision</th><th>recall</th></tr>${perClass}</table>

<h2>The exported model</h2>
<p><code>${esc(d.out)}/model.onnx</code>, ${(d.modelBytes / 1024).toFixed(0)} KB, opset 17: input <code>eeg</code> [batch, ${d.info.channels.length}, ${d.info.windowSamples}] µV (${esc(d.info.channels.join(' '))}), ${d.info.sampleRateHz} Hz, preprocessing ${esc(JSON.stringify(d.info.preprocess))}; output <code>probabilities</code> [batch, 6]. Training data fingerprint ${d.info.dataFingerprint.slice(0, 12)}…</p>
${calibrationParagraph(d.info)}

<h2>An unseen recording (EEG ${esc(d.classified.eegId)})</h2>
<table><tr><th>class</th><th>model</th><th>truth</th><th>expert votes</th><th></th></tr>${classRows}</table>

<h2>A timeline along a long recording</h2>
<p>The ${s.test.windows} test recordings stitched into one ${Math.round(d.timeline.bands.at(-1)!.endSec / 60)}-minute EDF (<code>${esc(d.timeline.file)}</code>) and classified every 10 s; underneath, the true class of each 50-s stretch. Windows straddling two stretches see both.</p>
${timelineChart(d.timeline.points, d.info.windowSamples / d.info.sampleRateHz, d.timeline.bands)}

<h2>A Kaggle submission</h2>
<p><code>${esc(d.out)}/submission.csv</code>: ${d.submission.rows} rows. Scored against the hidden votes of these patients, whom neither training nor early stopping saw: KL ${f(d.submission.kl)}, ${times(d.submission.kl, s.test.priorKL)} the prior's ${f(s.test.priorKL)} (the truth would score ${f(d.submission.floorKL)}).</p>

<h2>The data</h2>
<table>${bars(d.datasetSummary.classCounts as unknown as Record<string, number>)}</table>
<h3>Raters per window</h3><table>${raters}</table>
<h3>One window of each class</h3>
<p>The labelled central 10 s, bipolar double banana (18 chains, EKG in red), 0.5–20 Hz zero-phase, 100 µV per row: ${d.panels.map((p) => `${p.className} (EEG ${p.eegId}, ${(p.truth * 100).toFixed(0)}% true)`).join(', ')}.</p>
<img alt="one window of each class" src="data:image/png;base64,${d.previewPng.toString('base64')}">

<h2>Time taken</h2><table>${timings}</table>
</body></html>
`;
}

/** The temperature fitted at export, and what it did to the held-out fold's KL and calibration error. */
function calibrationParagraph({ calibration: c }: ModelInfo): string {
  if (!c) return '<p>Not calibrated (too few held-out windows, or the cache was gone at export).</p>';
  const points = (bins: readonly ReliabilityBin[]) => bins.filter((b) => b.windows > 0).map((b): [number, number] => [b.confidence, b.accuracy]);
  const diagram = lineChart(
    [
      {
        name: 'calibrated',
        colour: '#2f6fca',
        points: [
          [0, 0],
          [1, 1],
        ],
        dashed: true,
      },
      { name: 'before', colour: '#c0392b', points: points(c.reliability.before) },
      { name: `after (T ${c.temperature.toFixed(2)})`, colour: '#27ae60', points: points(c.reliability.after) },
    ],
    { xLabel: 'top probability', yLabel: 'share right (experts’ majority)' },
  );
  return `<p>Calibrated by temperature scaling on the ${c.windows} held-out windows: T = ${c.temperature.toFixed(3)}, KL ${c.klBefore.toFixed(4)} → ${c.klAfter.toFixed(4)}, expected calibration error ${c.eceBefore.toFixed(3)} → ${c.eceAfter.toFixed(3)} (fitted on the same windows: the “after” is optimistic).</p>
${diagram}
<table><tr><th>top probability</th><th>before: windows</th><th>mean top</th><th>share right</th><th>after: windows</th><th>mean top</th><th>share right</th></tr>${reliabilityRows(c.reliability)}</table>`;
}

/** The diagram's points as numbers: each bin's windows, mean top probability and share right, before and after. */
function reliabilityRows(r: { before: readonly ReliabilityBin[]; after: readonly ReliabilityBin[] }): string {
  const cells = (b: ReliabilityBin | undefined) =>
    b?.windows ? `<td>${b.windows}</td><td>${b.confidence.toFixed(2)}</td><td>${pct(b.accuracy)}</td>` : '<td>0</td><td>—</td><td>—</td>';
  return r.before
    .map((b, i) => ({ b, a: r.after[i] }))
    .filter(({ b, a }) => b.windows || a?.windows)
    .map(({ b, a }) => `<tr><td>${b.from.toFixed(1)}–${b.to.toFixed(1)}</td>${cells(b)}${cells(a)}</tr>`)
    .join('');
}
