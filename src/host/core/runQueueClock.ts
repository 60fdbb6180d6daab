// How long the extension-host thread waited for a CPU, from Linux's /proc (Node hosts only: platformNode.ts).
import type { RunQueueClock } from './busyMeter';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * How long this thread has waited in the OS run queue (Linux /proc/thread-self/schedstat, second field):
 * time it was ready to run but another process had the CPU. On a loaded machine that wait, not our code,
 * is most of a handler's wall time. Opened on the thread it measures; undefined where there is no such file.
 */
export class LinuxRunQueueClock implements RunQueueClock {
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
