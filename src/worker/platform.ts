// What the trainer worker needs from where it runs — its host's port, the .wasm binaries, helper threads —
// behind one small interface: worker_threads under Node (platformNode.ts), a Web Worker in VS Code for the
// Web (platformWeb.ts). The entry (trainerWorker.ts or trainerWorker.web.ts) picks one before serving.
import { startBackend, type EngineBackend, type LogFn, type WasmSource } from '../model/engineBackend';
import type { BackendName } from '../model/config';
import type { Envelope } from '../protocol/envelope';

/** The one connection to the extension host. */
export interface HostPort {
  post(message: Envelope, transfer: ArrayBuffer[]): void;
  onMessage(handler: (raw: unknown) => void): void;
}

/** A helper thread this worker started (data-parallel gradients, model/gradShard.ts). */
export interface HelperThread {
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
  /** It failed or ended on its own (not through terminate). */
  onExit(handler: (why: string) => void): void;
  terminate(): Promise<void>;
}

export interface ThreadSupport {
  /** Threads training may use here, this one included. */
  available: number;
  /** Why that many (shown in the trainer's ready detail). */
  why: string;
}

export interface WorkerPlatform {
  readonly kind: 'node' | 'web';
  readonly host: HostPort;
  /** Where tfjs finds its binaries; on the web it resolves when the host's first message brings them. */
  readonly wasm: Promise<WasmSource>;
  readonly threads: ThreadSupport;
  /**
   * Starts a helper thread from a bundle beside the worker's (`bundle`, e.g. 'gradWorker.js') with its
   * start-up data; rejects where there are no helper threads (threads.available is then 1).
   */
  spawnHelper(bundle: string, init: unknown): Promise<HelperThread>;
}

let current: WorkerPlatform | undefined;

/** Called once by the entry, before the first message is served. */
export function usePlatform(p: WorkerPlatform): void {
  current = p;
}

export function platform(): WorkerPlatform {
  if (!current) throw new Error('the trainer worker started without a platform (see trainerWorker.ts)');
  return current;
}

/** The compute back-end on this platform's binaries (once per thread; engineBackend.ts). */
export async function backend(preferred: BackendName, log?: LogFn): Promise<EngineBackend> {
  return startBackend(preferred, { wasm: await platform().wasm, log });
}
