/** Progress lines for long work: count, rate and time left. */

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  if (sec < 60) return `${Math.round(sec)}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(Math.round(sec % 60)).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}

/** A meter that turns counts into "label  120/500 ▕███░░░▏ 24.0/s  ETA 16s". */
export function progressMeter(label: string, unit: string) {
  const started = performance.now();
  return (done: number, total: number, alreadyDone = 0): string => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? (done - alreadyDone) / elapsed : 0;
    const left = rate > 0 ? (total - done) / rate : Infinity;
    return `${label} ${progressBar(done, total, 24)} ${rate.toFixed(1)} ${unit}/s  ETA ${done >= total ? '0s' : formatDuration(left)}`;
  };
}

/** "120/500 ▕███░░░▏", the count padded to the total's digits so a line redrawn in place keeps its length. */
export function progressBar(done: number, total: number, width: number): string {
  const filled = total ? Math.round((done / total) * width) : width;
  return `${String(done).padStart(String(total).length)}/${total} ▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏`;
}
