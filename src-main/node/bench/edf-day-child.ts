/**
 * The measuring half of `hms bench edf-day`, a process of its own so that its peak RSS is the
 * recording's alone: opens a long EDF as the viewer does (info and a page from its middle), draws
 * its spectrogram overview, then classifies it into a 10-s-stride timeline.
 */
import { RecordingPages } from '../backend/recording-pages';
import { classifyFileTimeline } from '../infer/file-timeline';
import { OnnxClassifier } from '../onnx/classifier';

export interface EdfDayJob {
  edf: string;
  model: string;
  strideSec: number;
}

export interface EdfDayMeasure {
  openMs: number;
  overviewMs: number;
  timelineSec: number;
  /** CPU time of the timeline, all threads: what it costs on a machine others are using too. */
  timelineCpuSec: number;
  windows: number;
  notClassified: number;
  rssMb: number;
}

async function measure(job: EdfDayJob): Promise<EdfDayMeasure> {
  const t0 = performance.now();
  const pages = new RecordingPages();
  const info = await pages.info(job.edf);
  await pages.page({ path: job.edf, startSec: Math.floor(info.durationSec / 2), durationSec: 10, montage: 'bipolar', contextSec: 5 });
  const openMs = performance.now() - t0;
  const t1 = performance.now();
  await pages.spectrogram(job.edf);
  const overviewMs = performance.now() - t1;
  const model = await OnnxClassifier.open(job.model);
  try {
    const t2 = performance.now();
    const cpu = process.cpuUsage();
    const timeline = await classifyFileTimeline(model, job.edf, job.strideSec);
    const timelineSec = (performance.now() - t2) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    return {
      openMs,
      overviewMs,
      timelineSec,
      timelineCpuSec: (user + system) / 1e6,
      windows: timeline.points.length,
      notClassified: timeline.rejected + timeline.inGaps,
      rssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    };
  } finally {
    await model.close();
  }
}

process.once('message', (job: EdfDayJob) => {
  measure(job).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: err instanceof Error ? err.message : String(err) }, () => process.exit(1)),
  );
});
