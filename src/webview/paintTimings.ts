// Performance marks for "cursor move → panel painted", read by the UI tests and reported to the host.

export interface PaintRecord {
  kind: 'cursor' | 'prediction';
  version: number;
  offset: number;
  /** Epoch milliseconds (timeOrigin + now) when the message arrived and when the frame was painted. */
  receivedAt: number;
  paintedAt: number;
}

const MAX_RECORDS = 2000;
const records: PaintRecord[] = [];

declare global {
  interface Window {
    /** Paint records for tests: `frame.evaluate(() => window.lstmLensPaints)`. */
    lstmLensPaints: PaintRecord[];
  }
}
window.lstmLensPaints = records;

/** Called in the animation frame that painted a message; the paint lands when this frame is presented. */
export function recordPaint(p: {
  kind: 'cursor' | 'prediction';
  version: number;
  offset: number;
  receivedAt: number;
}): void {
  const origin = performance.timeOrigin;
  // The frame is on screen after the browser's own paint: measure at the next frame's start.
  requestAnimationFrame(() => {
    const paintedAt = origin + performance.now();
    performance.mark('lstm-lens-painted', { detail: { kind: p.kind, version: p.version, offset: p.offset } });
    records.push({ ...p, receivedAt: origin + p.receivedAt, paintedAt });
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  });
}
