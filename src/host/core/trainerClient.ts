// The host's side of the trainer worker: spawns it, checks every message it sends, restarts it if it dies.

import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { Envelope } from '../../protocol/envelope';

export interface TrainerClientOptions {
  workerPath: string;
  log: vscode.LogOutputChannel;
  /** Called for every message from the worker (the trainer's channel checks it). */
  onMessage: (raw: unknown) => void;
  /** Called when the worker exits unexpectedly; the next post starts a fresh one. */
  onCrash: (reason: string) => void;
}

export class TrainerClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private disposed = false;
  private restarts = 0;

  constructor(private readonly options: TrainerClientOptions) {}

  /** Sends a request, starting the worker on first use. Transferables are moved, not copied. */
  post(message: Envelope, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) return;
    this.ensureWorker().postMessage(message, transfer);
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
    await this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    // Detach first: messages still in flight must not reach a host whose log and panel are gone.
    this.worker?.removeAllListeners('message');
    this.worker?.removeAllListeners('error');
    void this.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { log } = this.options;
    const worker = new Worker(this.options.workerPath, { name: 'lstm-lens-trainer' });
    this.worker = worker;
    worker.on('message', (raw: unknown) => {
      if (this.disposed) return;
      this.options.onMessage(raw);
    });
    worker.on('error', (err) => {
      if (!this.disposed) log.error('Trainer worker error:', err);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // terminated on purpose
      this.worker = undefined;
      if (this.disposed) return;
      this.restarts++;
      const reason = `The trainer worker stopped unexpectedly (exit code ${code}).`;
      log.error(`${reason} Restart #${this.restarts}.`);
      this.options.onCrash(reason);
    });
    log.info(`Trainer worker started from ${this.options.workerPath}`);
    return worker;
  }
}
