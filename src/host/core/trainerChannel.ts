// The host's one connection to the trainer worker: calls that answer (predict, insight, lab, import/export),
// notifications kept in order behind sliced texts, and the worker's events (status, progress, logs) for
// features to subscribe to; every message from the worker is checked against the contract first.

import * as vscode from 'vscode';
import { Channel, type CallOptions, type ParamsOf, type ResultOf } from '../../protocol/channel';
import type { CompareProgressEvent, RecallProgressEvent } from '../../protocol/lab';
import {
  TRAINER_CONTRACT,
  type TrainerCalls,
  type TrainerEvents,
  type TrainerNotifications,
} from '../../protocol/trainerApi';
import type { ReadyEvent, TrainingProgressEvent, TrainingStatusEvent } from '../../protocol/training';
import type { BusyMeter } from './busyMeter';
import type { HostPlatform } from './platform';
import { TrainerClient } from './trainerClient';
import { WorkerOutbox } from './workerOutbox';
import type * as v from 'valibot';

export class TrainerChannel implements vscode.Disposable {
  private readonly client: TrainerClient;
  /** Every message to the worker goes through here: large texts go in slices, later messages wait behind them. */
  private readonly outbox: WorkerOutbox;
  private readonly channel: Channel<TrainerCalls, TrainerNotifications, TrainerEvents>;
  private disposed = false;
  private readonly ready = new vscode.EventEmitter<ReadyEvent>();
  private readonly status = new vscode.EventEmitter<TrainingStatusEvent>();
  private readonly progress = new vscode.EventEmitter<TrainingProgressEvent>();
  private readonly compare = new vscode.EventEmitter<CompareProgressEvent>();
  private readonly crash = new vscode.EventEmitter<string>();
  readonly onReady = this.ready.event;
  readonly onTrainingStatus = this.status.event;
  readonly onTrainingProgress = this.progress.event;
  readonly onCompareProgress = this.compare.event;
  private readonly recall = new vscode.EventEmitter<RecallProgressEvent>();
  readonly onRecallProgress = this.recall.event;
  /** The worker died; every call in flight has failed and its documents are gone. */
  readonly onCrash = this.crash.event;

  constructor(platform: HostPlatform, log: vscode.LogOutputChannel, busy: BusyMeter) {
    this.client = new TrainerClient({
      platform,
      log,
      onMessage: (raw) => {
        if (!this.disposed) busy.time('worker', () => this.channel.receive(raw));
      },
      onCrash: (reason) => this.onWorkerCrash(reason),
    });
    this.outbox = new WorkerOutbox({
      post: (m, transfer) => this.client.post(m, transfer),
      defer: (fn) =>
        platform.defer(() => {
          if (!this.disposed) busy.time('documentChunk', fn);
        }),
    });
    this.channel = new Channel({
      contract: TRAINER_CONTRACT,
      post: (m, transfer) => this.outbox.post(m, transfer),
      peer: 'The trainer',
      // Late answers (a call that timed out or was given up) are expected; anything else is worth a warning.
      onProblem: (why) => (why.startsWith('late answer') ? log.trace(why) : log.warn(`Trainer message: ${why}`)),
    });
    this.channel.on('ready', (m) => {
      log.info(`Trainer ready: ${m.backend} (${m.detail})`);
      this.ready.fire(m);
    });
    this.channel.on('trainingStatus', (m) => this.status.fire(m));
    this.channel.on('trainingProgress', (m) => this.progress.fire(m));
    this.channel.on('compareProgress', (m) => this.compare.fire(m));
    this.channel.on('recallProgress', (m) => this.recall.fire(m));
    this.channel.on('log', (m) => log[m.level](`[worker] ${m.message}`));
  }

  /** Asks the worker; resolves with its checked answer, rejects with its error, on timeout or a crash. */
  call<K extends keyof TrainerCalls & string>(
    method: K,
    params: ParamsOf<TrainerCalls[K]>,
    opts?: CallOptions,
  ): Promise<ResultOf<TrainerCalls[K]>> {
    return this.channel.call(method, params, opts);
  }

  /** Tells the worker (no answer); per document, in order behind its text. */
  notify<K extends keyof TrainerNotifications & string>(
    method: K,
    params: v.InferOutput<TrainerNotifications[K]>,
  ): void {
    this.channel.notify(method, params);
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
    for (const e of [this.ready, this.status, this.progress, this.compare, this.recall, this.crash]) e.dispose();
  }

  private onWorkerCrash(reason: string): void {
    this.outbox.cancelAll(); // what waited behind a text would reach a fresh worker that has no documents
    this.channel.failAll(reason);
    this.crash.fire(reason);
  }
}
