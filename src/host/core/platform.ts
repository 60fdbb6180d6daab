// What the extension host needs from where it runs — a thread for the trainer, a run-queue clock, a later
// macrotask — behind one small interface: Node's extension host (platformNode.ts: worker_threads) or VS Code
// for the Web's Web Worker extension host (platformWeb.ts: a blob Worker). Files and storage go through
// vscode.workspace.fs on both, so they need nothing here.
import type { Envelope } from '../../protocol/envelope';
import type { RunQueueClock } from './busyMeter';

/** The trainer worker's thread as the host sees it. */
export interface TrainerThread {
  post(message: Envelope, transfer: ArrayBuffer[]): void;
  onMessage(handler: (raw: unknown) => void): void;
  onError(handler: (error: unknown) => void): void;
  /** The thread ended: on its own, or through crash(); never after terminate(). */
  onExit(handler: (why: string) => void): void;
  /** Ends the thread quietly (no exit handler runs); listeners are dropped. */
  terminate(): Promise<void>;
  /** Ends the thread the way a crash looks to the host: the exit handlers run (fault-injection tests). */
  crash(): Promise<void>;
}

export interface HostPlatform {
  /** 'node' in desktop and remote VS Code; 'web' in vscode.dev, github.dev and browser-hosted VS Code. */
  readonly kind: 'node' | 'web';
  /** Starts a trainer worker (dist/worker.js, or dist/web/worker.js from a blob). */
  startTrainer(): TrainerThread;
  /** Where the trainer comes from, for the log. */
  readonly trainerSource: string;
  /** Measures CPU waits of this thread where the OS tells (Linux); undefined elsewhere. */
  runQueueClock(): RunQueueClock | undefined;
  /** Runs fn in a later macrotask (setImmediate under Node). */
  defer(fn: () => void): void;
}
