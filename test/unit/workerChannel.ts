// The host's side of the trainer contract over the real worker bundle (dist/worker.js), for the worker
// tests: calls and notifications through a Channel, every event recorded and awaitable, and anything the
// channel cannot check (a malformed envelope, result or event) failing the test run.
import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type * as v from 'valibot';
import { Channel, type CallOptions, type ParamsOf, type ResultOf } from '../../src/protocol/channel';
import { Doorbell } from '../../src/protocol/doorbell';
import {
  TRAINER_CONTRACT,
  TRAINER_EVENTS,
  type TrainerCalls,
  type TrainerEvents,
  type TrainerNotifications,
} from '../../src/protocol/trainerApi';

type EventName = keyof TrainerEvents & string;
type EventParams<K extends EventName> = v.InferOutput<TrainerEvents[K]>;
/** One event as the worker raised it. */
export type SeenEvent = { [K in EventName]: { event: K; params: EventParams<K> } }[EventName];

export class WorkerClient {
  readonly w: Worker;
  /** Every event so far, in order. */
  readonly seen: SeenEvent[] = [];
  private readonly channel: Channel<TrainerCalls, TrainerNotifications, TrainerEvents>;
  private waiters: { pred: (e: SeenEvent) => boolean; resolve: (e: SeenEvent) => void }[] = [];

  /** workerPath: the bundle (each test names it: this file is bundled into theirs, so __dirname is theirs). */
  constructor(
    workerPath: string,
    private readonly callTimeoutMs = 30000,
  ) {
    // Started as the extension starts it: with the doorbell it rings after every post.
    const doorbell = new Doorbell();
    this.w = new Worker(workerPath, { workerData: { doorbell: doorbell.sab } });
    this.channel = new Channel({
      contract: TRAINER_CONTRACT,
      post: (m, transfer) => {
        this.w.postMessage(m, transfer);
        doorbell.ring();
      },
      onProblem: (why, raw) => assert.fail(`worker sent a message the host refuses (${why}): ${snippet(raw)}`),
      peer: 'The test worker',
    });
    for (const event of Object.keys(TRAINER_EVENTS) as EventName[])
      this.channel.on(event, (params) => {
        const e = { event, params } as SeenEvent;
        this.seen.push(e);
        this.waiters = this.waiters.filter((x) => (x.pred(e) ? (x.resolve(e), false) : true));
      });
    this.w.on('message', (raw) => this.channel.receive(raw));
  }

  /** A call; rejects with the worker's error message. */
  call<K extends keyof TrainerCalls & string>(
    method: K,
    params: ParamsOf<TrainerCalls[K]>,
    opts: CallOptions = {},
  ): Promise<ResultOf<TrainerCalls[K]>> {
    return this.channel.call(method, params, { timeoutMs: this.callTimeoutMs, ...opts });
  }

  notify<K extends keyof TrainerNotifications & string>(
    method: K,
    params: v.InferOutput<TrainerNotifications[K]>,
  ): void {
    this.channel.notify(method, params);
  }

  /** The next event of this name (raised after this call) that satisfies pred. */
  next<K extends EventName>(
    event: K,
    pred: (params: EventParams<K>) => boolean = () => true,
    ms = 20000,
  ): Promise<EventParams<K>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
      this.waiters.push({
        pred: (e) => e.event === event && pred(e.params as EventParams<K>),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e.params as EventParams<K>);
        },
      });
    });
  }

  /** Fails the calls still waiting, then ends the worker. */
  async close(): Promise<void> {
    this.channel.failAll('The test worker was closed');
    await this.w.terminate();
  }

  /** Events of this name seen so far. */
  events<K extends EventName>(event: K): EventParams<K>[] {
    return this.seen.filter((e) => e.event === event).map((e) => e.params as EventParams<K>);
  }
}

/** The error a call was refused with (fails when it was answered). */
export async function failure(answer: Promise<unknown>): Promise<Error> {
  try {
    await answer;
  } catch (e) {
    assert.ok(e instanceof Error, `rejected with a non-error: ${String(e)}`);
    return e;
  }
  return assert.fail('the call was answered, not refused');
}

/** The answer, or a rejection when it takes longer than ms (measured from now). */
export async function within<T>(answer: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

function snippet(raw: unknown): string {
  try {
    return String(JSON.stringify(raw)).slice(0, 300);
  } catch {
    return String(raw).slice(0, 300);
  }
}
