// Measures how long LSTM Lens's own handlers hold the extension-host thread (the editor's responsiveness budget).
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * How long this thread has waited in the OS run queue (Linux /proc/thread-self/schedstat, second field):
 * time it was ready to run but another process had the CPU. On a loaded machine that wait, not our code,
 * is most of a handler's wall time. Opened on the thread it measures; undefined where there is no such file.
 */
class RunQueueClock {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(96);

  constructor() {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
      if (this.readNs() === undefined) this.close();
    } catch {
      this.fd = undefined;
    }
  }

  get available(): boolean {
    return this.fd !== undefined;
  }

  /** Nanoseconds waited so far (a 5 µs pread), or undefined. */
  readNs(): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const waited = Number(this.buffer.toString('latin1', 0, n).split(' ')[1]);
      return Number.isFinite(waited) ? waited : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }
}

export class BusyMeter {
  private worstMs = 0;
  private worstName = '';
  private worstOwnMs = 0;
  private worstOwnName = '';
  private count = 0;
  private totalMs = 0;
  private readonly runQueue = new RunQueueClock();

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
