// A count of the messages posted to the trainer worker, in memory both threads share, so a training run can
// see that a message (a cursor query) is waiting without turning its event loop: it then yields at its next
// sub-step instead of at the end of its slice. Where memory cannot be shared (a Web Worker without
// cross-origin isolation) there is no doorbell and the slice alone bounds the wait.

export class Doorbell {
  private readonly posted: Int32Array;
  /** Messages this side has received (receiver only; compared with `posted`, wrapping like it). */
  private received = 0;

  /** The sender makes one (`new Doorbell()`) and passes `sab` to the receiver, which wraps the same memory. */
  constructor(readonly sab: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.posted = new Int32Array(sab, 0, 1);
  }

  /** Sender: call right after posting a message (so the message is already queued when the count shows it). */
  ring(): void {
    Atomics.add(this.posted, 0, 1);
  }

  /** Receiver: call as each message arrives. */
  arrived(): void {
    this.received = (this.received + 1) | 0;
  }

  /** Receiver: a message was posted that has not arrived yet (it waits in the port's queue). */
  get waiting(): boolean {
    return ((Atomics.load(this.posted, 0) - this.received) | 0) > 0;
  }

  /** The doorbell a thread was started with (its `sab`), or null when it was started without one. */
  static from(sab: unknown): Doorbell | null {
    return typeof SharedArrayBuffer !== 'undefined' && sab instanceof SharedArrayBuffer && sab.byteLength >= 4
      ? new Doorbell(sab)
      : null;
  }
}
