/**
 * `hms demo` (npm run demo): the headless main job on the built-in dataset. Today it generates the
 * dataset, builds the processed cache and writes a report; training, ONNX export and
 * classification join it as their issues land.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES } from '../../core/eeg';
import { summariseTrainRows } from '../../core/dataset';
import { buildCache } from '../cache/build';
import { openHmsFolder } from '../formats/hms-folder';
import { writeFileAtomic } from '../fs-atomic';
import { generateDataset, type GenerateSummary } from '../generate/dataset';
import { renderPreview, type PreviewPanel } from '../generate/preview';
import { numberOption, stringOption } from './args';
import type { Command } from './command';
import { progressMeter } from './progress';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the headless demo on the built-in dataset: generate, preprocess, report (demo-out/)',
  usage: 'hms demo [--out demo-out] [--seed S]',
  options: { out: { values: 1 }, seed: { values: 1 } },
  async run(args, io) {
    const out = stringOption(args, 'out') ?? 'demo-out';
    await mkdir(out, { recursive: true });
    const data = join(out, 'data');
    io.out(`1/3 generating the built-in dataset in ${data}`);
    const genMeter = progressMeter('  generate', 'patients');
    const summary = await generateDataset({ out: data, seed: numberOption(args, 'seed', 1), signal: io.signal, onProgress: (d, t) => io.status(genMeter(d, t)) });
    io.status('');
    io.out(`    ${summary.windows} windows, ${summary.patients} patients; floor KL ${summary.floorKL.toFixed(3)}, prior KL ${summary.priorKL.toFixed(3)} (${summary.seconds.toFixed(1)} s)`);

    io.out(`2/3 preprocessing into ${join(out, 'cache')} (bipolar, 0.5–20 Hz, ±1024 µV)`);
    const preMeter = progressMeter('  preprocess', 'EEGs');
    const started = performance.now();
    const cache = await buildCache(data, join(out, 'cache'), { signal: io.signal, onProgress: (p) => io.status(preMeter(p.done, p.total, p.resumed)) });
    io.status('');
    if (!cache.manifest) return 130;
    const usable = cache.manifest.windows.filter((w) => !w.rejected).length;
    io.out(`    ${cache.manifest.recordings.length} EEGs, ${usable} of ${cache.manifest.windows.length} windows usable (${((performance.now() - started) / 1000).toFixed(1)} s)`);

    io.out(`3/3 writing ${join(out, 'report.html')}`);
    const panels = await renderPreview(data, join(out, 'preview.png'));
    const folder = await openHmsFolder(data);
    const html = report(summary, summariseTrainRows(folder.train ?? []), panels, await readFile(join(out, 'preview.png')), usable);
    await writeFileAtomic(join(out, 'report.html'), html);
    io.out(`done: open ${join(out, 'report.html')}`);
    return 0;
  },
};

function report(s: GenerateSummary, d: ReturnType<typeof summariseTrainRows>, panels: PreviewPanel[], png: Buffer, usable: number): string {
  const most = Math.max(...CLASSES.map((c) => d.classCounts[c]));
  const bars = CLASSES.map((c) => `<tr><td>${c}</td><td>${d.classCounts[c]}</td><td><div class="bar" style="width:${(300 * d.classCounts[c]) / most}px"></div></td></tr>`).join('');
  const peak = Math.max(...d.raterHistogram);
  const votes = d.raterHistogram
    .map((n, v) => (n ? `<tr><td>${v}</td><td>${n}</td><td><div class="bar" style="width:${Math.max(2, (300 * n) / peak)}px"></div></td></tr>` : ''))
    .join('');
  const f = (v: number) => v.toFixed(3);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HMS Studio demo</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:1100px;color:#1b1f24}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:2px 10px;text-align:left}.bar{height:12px;background:#3b7dd8}img{max-width:100%;border:1px solid #ccc}</style>
</head><body>
<h1>HMS Studio — demo report</h1>
<p>Built-in dataset, seed ${s.seed} (${s.difficulty}): ${s.windows} labelled windows from ${s.train.recordings} recordings of ${s.patients} patients; ${s.test.windows} test recordings. ${usable} windows pass the NaN policy.</p>
<h2>What a model can reach</h2>
<table><tr><th></th><th>all rows</th><th>≥10 raters</th></tr>
<tr><td>floor KL (predicting the true distribution)</td><td>${f(s.train.floorKL)}</td><td>${f(s.train.floorKL10)}</td></tr>
<tr><td>prior KL (ignoring the EEG)</td><td>${f(s.train.priorKL)}</td><td>${f(s.train.priorKL10)}</td></tr></table>
<p>Vote entropy: ${f(s.train.entropyBelow10)} below 10 raters, ${f(s.train.entropyFrom10)} from 10 (real HMS data: 0.20 and 0.70).</p>
<h2>Expert consensus</h2><table>${bars}</table>
<h2>Raters per window</h2><table>${votes}</table>
<h2>One window of each class</h2>
<p>The labelled central 10 s, bipolar double banana (18 chains, EKG in red), 0.5–20 Hz zero-phase, 100 µV per row: ${panels.map((p) => `${p.className} (EEG ${p.eegId}, ${(p.truth * 100).toFixed(0)}% true)`).join(', ')}.</p>
<img alt="one window of each class" src="data:image/png;base64,${png.toString('base64')}">
<h2>Not yet in this demo</h2>
<p>Training, validation KL against the floor, the confusion matrix, ONNX export and the classification timeline arrive with their issues.</p>
</body></html>
`;
}
