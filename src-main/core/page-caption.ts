/**
 * The words printed on an exported page, so the picture says on its own what it shows: the file,
 * patient and start; the montage, filters and sensitivity; which stretch of the recording.
 */
import type { RecordingInfo } from './api';
import { formatOffset } from './annotation-pages';
import { clockAt, formatStart } from './reading-time';
import { calibrationBar } from './trace-math';
import type { ViewerSettings } from './viewer-settings';

export interface CaptionedPage {
  info: Pick<RecordingInfo, 'path' | 'format' | 'durationSec' | 'startTime' | 'patientId'>;
  settings: Omit<ViewerSettings, 'theme'>;
  fromSec: number;
  toSec: number;
}

const hz = (name: string, f: number) => `${name} ${f ? `${f} Hz` : 'off'}`;

/** Two lines: what was recorded, and how this page of it is shown. */
export function pageCaption({ info, settings, fromSec, toSec }: CaptionedPage): string[] {
  const file = info.path.split(/[\\/]/).pop() ?? info.path;
  const clock = clockAt(info.startTime, fromSec) && `${clockAt(info.startTime, fromSec)}–${clockAt(info.startTime, toSec)}, `;
  const bar = calibrationBar(settings.sensitivity, settings.pageSec);
  return [
    [file, info.format, `patient ${info.patientId ?? 'not named'}`, info.startTime ? `started ${formatStart(info.startTime)}` : 'start time not recorded'].join(' · '),
    [
      `${settings.montage} montage`,
      hz('HP', settings.highpassHz),
      hz('LP', settings.lowpassHz),
      hz('notch', settings.notchHz),
      `${settings.sensitivity} µV/mm (bar ${bar.uv} µV, ${bar.sec} s)`,
      `${clock ?? ''}${formatOffset(fromSec)}–${formatOffset(toSec)} of ${formatOffset(info.durationSec)}`,
    ].join(' · '),
  ];
}
