/**
 * The viewer's overviews saved: the region spectrogram and a classifier timeline, as a PNG of
 * what is drawn (captioned with the file) or as CSV of the numbers behind it.
 */
import type { BatchTimeline, RecordingInfo, SpectrogramView } from '../../../../src-main/core/api';
import { base64ToFloat32 } from '../../../../src-main/core/base64';
import { spectrogramCsv, timelineCsv } from '../../../../src-main/core/overview-csv';
import { download, pagePng } from '../../charts/export-page';

export type OverviewKind = 'png' | 'csv';

const stem = (info: RecordingInfo) => (info.path.split(/[\\/]/).pop() ?? 'recording').replace(/\.[^.]*$/, '');
const csvBlob = (text: string) => new Blob([text], { type: 'text/csv' });

export async function saveSpectrogram(kind: OverviewKind, info: RecordingInfo, view: SpectrogramView, canvas: HTMLCanvasElement | null | undefined) {
  const name = `${stem(info)}-spectrogram.${kind}`;
  if (kind === 'csv') download(csvBlob(spectrogramCsv({ ...view, regions: view.regions.map((r) => ({ name: r.name, logPower: base64ToFloat32(r.logPower) })) })), name);
  else if (canvas) download(await pagePng(canvas, [`${stem(info)} · region spectrogram (LL, RL, LP, RP), 0.6–20 Hz, log10 power, whole recording`]), name);
}

export async function saveTimeline(kind: OverviewKind, info: RecordingInfo, timeline: BatchTimeline, canvas: HTMLCanvasElement | null | undefined) {
  const name = `${stem(info)}-classifier.${kind}`;
  if (kind === 'csv') download(csvBlob(timelineCsv(timeline)), name);
  else if (canvas) download(await pagePng(canvas, [`${stem(info)} · classifier along the recording: ${timeline.windowSec}-s windows every ${timeline.strideSec} s`]), name);
}
