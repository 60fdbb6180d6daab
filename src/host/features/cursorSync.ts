// Turns a burst of cursor moves into few, versioned requests: the first at once, then at most one per interval.

export interface CursorRequest {
  docUri: string;
  version: number;
  offset: number;
}

export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Leading-and-trailing throttle: a move after a quiet spell is sent immediately (typing feels
 * instant); moves inside the interval collapse into one trailing send of the latest position.
 * Every send carries a sequence number so consumers can drop answers older than the newest.
 */
export class CursorSync {
  private pending: CursorRequest | undefined;
  private timer: unknown;
  private lastSentAt = -Infinity;
  private sequence = 0;

  constructor(
    private readonly send: (request: CursorRequest, sequence: number) => void,
    private readonly intervalMs: number,
    private readonly scheduler: Scheduler = realScheduler,
  ) {}

  /** The sequence number of the newest request sent; answers tagged with less are stale. */
  get latestSequence(): number {
    return this.sequence;
  }

  update(request: CursorRequest): void {
    this.pending = request;
    if (this.timer !== undefined) return;
    const wait = this.lastSentAt + this.intervalMs - this.scheduler.now();
    if (wait <= 0) this.flush();
    else this.timer = this.scheduler.setTimeout(() => this.onTimer(), wait);
  }

  /** Sends the pending request now, if any. */
  flush(): void {
    if (this.timer !== undefined) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const request = this.pending;
    if (!request) return;
    this.pending = undefined;
    this.lastSentAt = this.scheduler.now();
    this.send(request, ++this.sequence);
  }

  dispose(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
  }
}
