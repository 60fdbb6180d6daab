// The host's one connection to the trainer worker: requests with answers, fire-and-forget messages in
// order behind sliced texts, and the worker's own events (status, progress, logs) for features to subscribe to.

import * as vscode from 'vscode';
import { assertNever, type HostToWorker, type WorkerToHost } from '../../shared/protocol';
import type { BusyMeter } from './busyMeter';
import { TrainerClient } from './trainerClient';
import { WorkerOutbox } from './workerOutbox';
import { WorkerRequests } from './workerRequests';

type WorkerEvent = Extract<WorkerToHost, { type: 'ready' | 'trainingStatus' | 'trainingProgress' | 'compareProgress' }>;
type EventOf<K extends WorkerEvent['type']> = Extract<WorkerEvent, { type: K }>;

export class Trainer implements vscode.Disposable {
  private readonly client: TrainerClient;
  /** Every message to the worker goes through here: large texts go in slices, later messages wait behind them. */
  private readonly outbox: WorkerOutbox;
  /** Requests the host awaits (the answer settles them, with timeouts). */
  readonly requests: WorkerRequests;
  private nextRequestId = 1;
  private disposed = false;
  private readonly ready = new vscode.EventEmitter<EventOf<'ready'>>();
  private readonly status = new vscode.EventEmitter<EventOf<'trainingStatus'>>();
  private readonly progress = new vscode.EventEmitter<EventOf<'trainingProgress'>>();
  private readonly compare = new vscode.EventEmitter<EventOf<'compareProgress'>>();
  private readonly crash = new vscode.EventEmitter<string>();
  readonly onReady = this.ready.event;
  readonly onTrainingStatus = this.status.event;
  readonly onTrainingProgress = this.progress.event;
  readonly onCompareProgress = this.compare.event;
  /** The worker died; every request in flight has failed and its documents are gone. */
  readonly onCrash = this.crash.event;

  constructor(
    workerPath: string,
    private readonly log: vscode.LogOutputChannel,
    busy: BusyMeter,
  ) {
    this.client = new TrainerClient({
      workerPath,
      log,
      onMessage: (m) => busy.time(`worker:${m.type}`, () => this.onMessage(m)),
      onCrash: (reason) => this.onWorkerCrash(reason),
    });
    this.outbox = new WorkerOutbox({
      post: (m, transfer) => this.client.post(m, transfer),
      defer: (fn) =>
        setImmediate(() => {
          if (!this.disposed) busy.time('documentChunk', fn);
        }),
    });
    this.requests = new WorkerRequests(
      (m, transfer) => this.post(m, transfer),
      () => this.nextRequestId++,
    );
  }

  post(message: HostToWorker, transfer: ArrayBuffer[] = []): void {
    this.outbox.post(message, transfer);
  }

  /** A whole document text (sliced when large); what is posted for the document meanwhile waits behind it. */
  sendText(docId: string, version: number, text: string): void {
    this.outbox.sendText(docId, version, text);
  }

  get running(): boolean {
    return this.client.running;
  }

  /** The longest document text one message to the worker carried (UTF-16 code units). */
  get largestTextPosted(): number {
    return this.outbox.largestTextPosted;
  }

  /** Ends the worker as a crash would (fault-injection tests). */
  simulateCrash(): Promise<void> {
    return this.client.simulateCrash();
  }

  dispose(): void {
    this.disposed = true;
    this.client.dispose();
    for (const e of [this.ready, this.status, this.progress, this.compare, this.crash]) e.dispose();
  }

  private onMessage(message: WorkerToHost): void {
    if (this.disposed) return;
    switch (message.type) {
      case 'ready':
        this.log.info(`Trainer ready: ${message.backend} (${message.detail})`);
        this.ready.fire(message);
        break;
      case 'trainingStatus':
        this.status.fire(message);
        break;
      case 'trainingProgress':
        this.progress.fire(message);
        break;
      case 'compareProgress':
        this.compare.fire(message);
        break;
      case 'log':
        this.log[message.level](`[worker] ${message.message}`);
        break;
      case 'prediction':
      case 'modelExported':
      case 'modelImported':
      case 'unitValues':
      case 'surprisal':
      case 'alternatives':
      case 'unitMatches':
      case 'unitLabels':
      case 'sampled':
      case 'intervention':
      case 'memorySpan':
      case 'longRange':
      case 'compareDone':
        if (!this.requests.settle(message)) this.log.trace(`late ${message.type} answer dropped`);
        break;
      case 'requestFailed':
        if (!this.requests.settle(message))
          this.log.warn(`[${message.docId}] request ${message.requestId} failed: ${message.message}`);
        break;
      default:
        assertNever(message);
    }
  }

  private onWorkerCrash(reason: string): void {
    this.outbox.cancelAll(); // what waited behind a text would reach a fresh worker that has no documents
    this.requests.failAll(reason);
    this.crash.fire(reason);
  }
}
