// The host's side of the trainer worker: spawns it through the platform, checks every message it sends,
// restarts it if it dies.

import type * as vscode from 'vscode';
import type { Envelope } from '../../protocol/envelope';
import type { HostPlatform, TrainerThread } from './platform';

export interface TrainerClientOptions {
  platform: HostPlatform;
  log: vscode.LogOutputChannel;
  /** Called for every message from the worker (the trainer's channel checks it). */
  onMessage: (raw: unknown) => void;
  /** Called when the worker exits unexpectedly; the next post starts a fresh one. */
  onCrash: (reason: string) => void;
}

export class TrainerClient implements vscode.Disposable {
  private worker: TrainerThread | undefined;
  private disposed = false;
  private restarts = 0;

  constructor(private readonly options: TrainerClientOptions) {}

  /** Sends a request, starting the worker on first use. Transferables are moved, not copied. */
  post(message: Envelope, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) return;
    this.ensureWorker().post(message, transfer);
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker now (used by tests and on crash simulation); a later post starts a new one. */
  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  /** Terminates the worker the way a crash would look to the host: the exit handler runs and restarts it. */
  async simulateCrash(): Promise<void> {
    await this.worker?.crash();
  }

  dispose(): void {
    this.disposed = true;
    // terminate() drops the listeners first: messages still in flight must not reach a host whose log and
    // panel are gone.
    void this.terminate();
  }

  private ensureWorker(): TrainerThread {
    if (this.worker) return this.worker;
    const { log, platform } = this.options;
    const worker = platform.startTrainer();
    this.worker = worker;
    worker.onMessage((raw: unknown) => {
      if (this.disposed) return;
      this.options.onMessage(raw);
    });
    worker.onError((err) => {
      if (!this.disposed) log.error('Trainer worker error:', err);
    });
    worker.onExit((why) => {
      if (this.worker !== worker) return; // terminated on purpose
      this.worker = undefined;
      if (this.disposed) return;
      this.restarts++;
      const reason = `The trainer worker stopped unexpectedly (${why}).`;
      log.error(`${reason} Restart #${this.restarts}.`);
      this.options.onCrash(reason);
    });
    log.info(`Trainer worker started from ${platform.trainerSource}`);
    return worker;
  }
}
