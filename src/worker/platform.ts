// What the trainer worker needs from where it runs — its host's port, the .wasm binaries, helper threads —
// behind one small interface: worker_threads under Node (platformNode.ts), a Web Worker in VS Code for the
// Web (platformWeb.ts). The entry (trainerWorker.ts or trainerWorker.web.ts) picks one before serving.
import { startBackend, type EngineBackend, type LogFn, type WasmSource } from '../model/engineBackend';
import type { BackendName } from '../model/config';
import type { SpawnHelper } from '../model/gradShard';
import type { Envelope } from '../protocol/envelope';

/** The one connection to the extension host. */
export interface HostPort {
  post(message: Envelope, transfer: ArrayBuffer[]): void;
  onMessage(handler: (raw: unknown) => void): void;
  /**
   * True while a message the host posted has not reached onMessage yet (protocol/doorbell.ts): a training
   * run polls it between sub-steps to yield at once. Absent where the threads share no memory.
   */
  waiting?(): boolean;
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
   * Helper threads for data-parallel training (model/gradShard.ts): how to start one and where its binaries
   * are; null where there are none (threads.available is then 1).
   */
  readonly helpers: { spawn: SpawnHelper; wasmDir: string } | null;
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
