// Measures how long LSTM Lens's own handlers hold the extension-host thread (the editor's responsiveness budget).
/** Time this thread waited for a CPU (runQueueClock.ts under Linux); absent elsewhere, e.g. on the web. */
export interface RunQueueClock {
  readonly available: boolean;
  /** Nanoseconds waited so far, or undefined. */
  readNs(): number | undefined;
  close(): void;
}

const NO_CLOCK: RunQueueClock = { available: false, readNs: () => undefined, close: () => {} };

export class BusyMeter {
  private worstMs = 0;
  private worstName = '';
  private worstOwnMs = 0;
  private worstOwnName = '';
  private count = 0;
  private totalMs = 0;

  /** clock: the platform's run-queue clock (HostPlatform.runQueueClock), when it has one. */
  constructor(private readonly runQueue: RunQueueClock = NO_CLOCK) {}

  /** Runs fn and records its synchronous duration under `name`. */
  time<T>(name: string, fn: () => T): T {
    const queued0 = this.runQueue.readNs();
    const started = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - started;
      const queued1 = this.runQueue.readNs();
      // The handler's own time: wall time less the time the OS kept the thread off the CPU.
      const queuedMs = queued0 !== undefined && queued1 !== undefined ? (queued1 - queued0) / 1e6 : 0;
      const own = Math.max(0, ms - queuedMs);
      this.count++;
      this.totalMs += ms;
      if (ms > this.worstMs) {
        this.worstMs = ms;
        this.worstName = name;
      }
      if (own > this.worstOwnMs) {
        this.worstOwnMs = own;
        this.worstOwnName = name;
      }
    }
  }

  /**
   * worstMs is wall time; worstOwnMs leaves out the time spent waiting for a CPU (the same as worstMs
   * where the run queue cannot be read: see runQueueMeasured).
   */
  snapshot(): {
    worstMs: number;
    worstHandler: string;
    worstOwnMs: number;
    worstOwnHandler: string;
    runQueueMeasured: boolean;
    calls: number;
    meanMs: number;
  } {
    return {
      worstMs: this.worstMs,
      worstHandler: this.worstName,
      worstOwnMs: this.worstOwnMs,
      worstOwnHandler: this.worstOwnName,
      runQueueMeasured: this.runQueue.available,
      calls: this.count,
      meanMs: this.count ? this.totalMs / this.count : 0,
    };
  }

  reset(): void {
    this.worstMs = 0;
    this.worstName = '';
    this.worstOwnMs = 0;
    this.worstOwnName = '';
    this.count = 0;
    this.totalMs = 0;
  }

  dispose(): void {
    this.runQueue.close();
  }
}
