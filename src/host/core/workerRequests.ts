// Request/answer pairing for worker calls that the host awaits (overlays, hovers, unit search), with timeouts.

import { HostToWorker, WorkerToHost } from '../../shared/protocol';

type Answer = Extract<WorkerToHost, { requestId: number }>;
type Pending = { resolve(answer: Answer): void; reject(err: Error): void; timer: ReturnType<typeof setTimeout> };

/** Distributive Omit: keeps each union member's own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

export class WorkerRequests {
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly post: (message: HostToWorker, transfer: ArrayBuffer[]) => void,
    private readonly nextId: () => number,
  ) {}

  /**
   * Sends a request and resolves with the worker's answer of the expected type; rejects on
   * `requestFailed`, on an answer of another type, on timeout, or when cancelled. Transferables are moved.
   */
  request<K extends Answer['type']>(
    message: WithoutId<Extract<HostToWorker, { requestId: number }>>,
    expect: K,
    timeoutMs = 10_000,
    transfer: ArrayBuffer[] = [],
  ): Promise<Extract<Answer, { type: K }>> {
    const requestId = this.nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`The trainer did not answer ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, {
        resolve: (answer) => {
          if (answer.type === expect) resolve(answer as Extract<Answer, { type: K }>);
          else if (answer.type === 'requestFailed') reject(new Error(answer.message));
          else reject(new Error(`Expected ${expect}, got ${answer.type}`));
        },
        reject,
        timer,
      });
      this.post({ ...message, requestId } as HostToWorker, transfer);
    });
  }

  /** Routes an answer to its waiting request; false when nobody waits for it (someone else's). */
  settle(answer: Answer): boolean {
    const p = this.pending.get(answer.requestId);
    if (!p) return false;
    this.pending.delete(answer.requestId);
    clearTimeout(p.timer);
    p.resolve(answer);
    return true;
  }

  /** Fails every waiting request (the worker died). */
  failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
      this.pending.delete(id);
    }
  }
}
