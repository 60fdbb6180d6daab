// The panel's state on the host side: features mark the slices they changed, and the store sends them to
// the webview as one patch per tick (a full snapshot only when the webview (re)loads or becomes visible).

import {
  answersCursor,
  type ComparePoints,
  type HostToWebview,
  type PanelSnapshot,
  type PanelUpdate,
} from '../../shared/protocol';
import { later, type Macrotask } from '../core/macrotask';

/** The slices a patch can carry; each is read from its source when the patch is sent. */
export type PanelSlice = 'document' | 'cursor' | 'prediction' | 'training' | 'insight' | 'lab' | 'view' | 'settings';

/**
 * Where the store reads each slice, at flush time (so a patch always carries the newest value); a patch
 * reads only the slices it carries.
 */
export interface PanelSources {
  document(): PanelSnapshot['document'];
  cursor(): PanelSnapshot['cursor'];
  training(): PanelSnapshot['training'];
  /** The newest prediction, with the cursor it answers (it may be for an older cursor); null clears it. */
  prediction(): Extract<PanelUpdate, { type: 'prediction' }>;
  view(): PanelSnapshot['view'];
  settings(): PanelSnapshot['settings'];
  insight(): PanelSnapshot['insight'];
  lab(): PanelSnapshot['lab'];
  /** Localised UI strings: sent once, in snapshots. */
  strings(): PanelSnapshot['strings'];
}

/** The whole state, for a webview that has just loaded. */
export function panelSnapshot(s: PanelSources): PanelSnapshot {
  const cursor = s.cursor();
  const p = s.prediction();
  return {
    document: s.document(),
    cursor,
    training: s.training(),
    // Only an answer for the cursor shown: the webview takes a snapshot's prediction as current.
    prediction: answersCursor(p, cursor) ? p.prediction : null,
    view: s.view(),
    settings: s.settings(),
    insight: s.insight(),
    lab: s.lab(),
    strings: s.strings(),
  };
}

export interface PanelSink {
  /** True when a webview is there and has said `ready`. */
  ready(): boolean;
  post(message: HostToWebview): void;
}

/**
 * How long a cursor waits for its prediction before it is sent alone: about one frame, so a warm answer
 * (a few ms) reaches the webview in the same patch and both are painted together.
 */
export const CURSOR_HOLD_MS = 16;

export class PanelStore {
  private readonly dirty = new Set<PanelSlice>();
  /** Compare progress since the lab slice was last sent: appended to the webview's curves. */
  private comparePoints: ComparePoints[] = [];
  /** The pending send: next tick, or the end of a cursor's hold. */
  private timer:
    { kind: 'tick'; handle: Macrotask } | { kind: 'hold'; handle: ReturnType<typeof setTimeout> } | undefined;
  /** While a cursor waits for its prediction: when the wait ends. */
  private holdUntil = 0;
  private disposed = false;
  /** Patches and snapshots posted (diagnostics and tests). */
  readonly posted = { patches: 0, snapshots: 0, updates: 0 };

  constructor(
    private readonly sources: PanelSources,
    private readonly sink: PanelSink,
    private readonly time: <T>(what: string, fn: () => T) => T = (_w, fn) => fn(),
  ) {}

  /** Marks slices changed; they go out together on the next tick (or when a held cursor is answered). */
  mark(...slices: PanelSlice[]): void {
    for (const s of slices) this.dirty.add(s);
    this.schedule();
  }

  /**
   * A new cursor whose prediction has been asked for: it waits up to CURSOR_HOLD_MS so that cursor and
   * prediction arrive in one patch; `predictionArrived` (or the timer) sends it.
   */
  markCursorAwaitingPrediction(): void {
    this.dirty.add('cursor');
    this.holdUntil = Date.now() + CURSOR_HOLD_MS;
    this.schedule();
  }

  /** The answer for the shown cursor came: send it now, with the cursor if that is still waiting. */
  predictionArrived(): void {
    this.dirty.add('prediction');
    this.holdUntil = 0;
    this.schedule();
  }

  /** Compare progress: appended to the webview's curve instead of re-sending every curve. */
  compareProgress(points: ComparePoints): void {
    this.comparePoints.push(points);
    this.schedule();
  }

  /** The whole state, for a webview that has just loaded or become visible; drops what was pending. */
  sendSnapshot(): void {
    this.clearPending();
    if (!this.sink.ready()) return;
    this.posted.snapshots++;
    this.sink.post({ type: 'snapshot', snapshot: panelSnapshot(this.sources) });
  }

  /** Sends what is pending now (tests and the cursor hold's end). */
  flush(): void {
    this.cancelTimer();
    this.holdUntil = 0;
    if (this.disposed) return;
    if (!this.sink.ready()) {
      this.clearPending(); // the webview asks for a snapshot on `ready`
      return;
    }
    const updates = this.time('panelPatch', () => this.collect());
    if (updates.length === 0) return;
    this.posted.patches++;
    this.posted.updates += updates.length;
    this.sink.post({ type: 'patch', updates });
  }

  dispose(): void {
    this.disposed = true;
    this.clearPending();
  }

  private collect(): PanelUpdate[] {
    const s = this.sources;
    const updates: PanelUpdate[] = [];
    const d = this.dirty;
    // Order matters where slices depend on each other: a new document clears the cursor, and a
    // prediction is accepted only for the cursor the webview shows.
    if (d.has('document')) updates.push({ type: 'document', document: s.document() });
    if (d.has('settings')) updates.push({ type: 'settings', settings: s.settings() });
    if (d.has('view')) updates.push({ type: 'view', view: s.view() });
    const training = d.has('training') ? s.training() : null;
    if (training) updates.push({ type: 'training', training });
    const cursor = d.has('cursor') || d.has('prediction') ? s.cursor() : null;
    if (d.has('cursor') && cursor) updates.push({ type: 'cursor', cursor });
    if (d.has('prediction') || d.has('cursor')) {
      const p = s.prediction();
      // With a fresh cursor, only its own answer goes along (an older one would be dropped anyway).
      if (d.has('prediction') || (answersCursor(p, cursor) && p.prediction)) updates.push(p);
    }
    if (d.has('insight')) updates.push({ type: 'insight', insight: s.insight() });
    if (d.has('lab')) updates.push({ type: 'lab', lab: s.lab() });
    else if (this.comparePoints.length) updates.push({ type: 'comparePoints', points: this.comparePoints });
    this.dirty.clear();
    this.comparePoints = [];
    return updates;
  }

  private schedule(): void {
    if (this.disposed) return;
    const wait = this.holdUntil - Date.now();
    if (wait > 0 && this.dirty.has('cursor')) {
      // Everything pending waits with the held cursor (at most one frame).
      if (this.timer?.kind === 'hold') return;
      this.cancelTimer();
      this.timer = { kind: 'hold', handle: setTimeout(() => this.flush(), wait) };
      return;
    }
    if (this.timer?.kind === 'tick') return;
    this.cancelTimer(); // a hold that ended early (its prediction came) is sent now, not at its timer
    this.timer = { kind: 'tick', handle: later(() => this.flush()) };
  }

  private cancelTimer(): void {
    if (this.timer?.kind === 'hold') clearTimeout(this.timer.handle);
    else if (this.timer?.kind === 'tick') this.timer.handle.cancel();
    this.timer = undefined;
  }

  private clearPending(): void {
    this.dirty.clear();
    this.comparePoints = [];
    this.holdUntil = 0;
    this.cancelTimer();
  }
}
