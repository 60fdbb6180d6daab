// Measures how long LSTM Lens's own handlers hold the extension-host thread (the editor's responsiveness budget).

export class BusyMeter {
  private worstMs = 0;
  private worstName = '';
  private count = 0;
  private totalMs = 0;

  /** Runs fn and records its synchronous duration under `name`. */
  time<T>(name: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - started;
      this.count++;
      this.totalMs += ms;
      if (ms > this.worstMs) {
        this.worstMs = ms;
        this.worstName = name;
      }
    }
  }

  snapshot(): { worstMs: number; worstHandler: string; calls: number; meanMs: number } {
    return {
      worstMs: this.worstMs,
      worstHandler: this.worstName,
      calls: this.count,
      meanMs: this.count ? this.totalMs / this.count : 0,
    };
  }

  reset(): void {
    this.worstMs = 0;
    this.worstName = '';
    this.count = 0;
    this.totalMs = 0;
  }
}
