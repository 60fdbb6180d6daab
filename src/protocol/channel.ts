// One channel over a message port, used by the host (over the Worker), the worker (over parentPort) and
// tests: calls become promises settled by id, notifications keep their order, events are typed, and every
// message that arrives is checked against the contract's schemas before anyone sees it.
import * as v from 'valibot';
import { isEvent, isReply, isRequest, parseEnvelope, type Envelope, type Reply } from './envelope';

/** A method that answers: its params and its result schema. */
export interface CallSpec<P, R> {
  params: v.GenericSchema<unknown, P>;
  result: v.GenericSchema<unknown, R>;
}

// `any` only widens the tables' constraints; each entry keeps its own exact types.
/* eslint-disable @typescript-eslint/no-explicit-any */
/** Methods that answer. */
export type CallTable = Record<string, CallSpec<any, any>>;
/** Methods nobody answers (fire-and-forget, in order): their params schemas. */
export type NotifyTable = Record<string, v.GenericSchema<unknown, any>>;
/** Events the serving side raises: their params schemas. */
export type EventTable = Record<string, v.GenericSchema<unknown, any>>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Contract<C extends CallTable, N extends NotifyTable, E extends EventTable> {
  calls: C;
  notifications: N;
  events: E;
}

export type ParamsOf<S extends CallSpec<unknown, unknown>> = v.InferOutput<S['params']>;
export type ResultOf<S extends CallSpec<unknown, unknown>> = v.InferOutput<S['result']>;

/** A result plus the buffers to move (not copy) to the other side. */
export class Transferring<R> {
  constructor(
    readonly value: R,
    readonly transfer: ArrayBuffer[],
  ) {}
}

type Answer<R> = R | Transferring<R> | Promise<R | Transferring<R>>;

/** What the serving side implements: one handler per call and per notification. */
export type Handlers<C extends CallTable, N extends NotifyTable> = {
  [K in keyof C]: (params: ParamsOf<C[K]>) => Answer<ResultOf<C[K]>>;
} & { [K in keyof N]: (params: v.InferOutput<N[K]>) => unknown };

export interface CallOptions {
  /** Rejects when no answer came within this time (default 10 s). */
  timeoutMs?: number;
  transfer?: ArrayBuffer[];
}

export interface ChannelOptions<C extends CallTable, N extends NotifyTable, E extends EventTable> {
  contract: Contract<C, N, E>;
  /** Posts one envelope to the other side (transferables moved). */
  post(message: Envelope, transfer: ArrayBuffer[]): void;
  /** Told about every message dropped or refused, and every failed notification, with why. */
  onProblem?(why: string, raw: unknown): void;
  /** Who answers, for timeout messages ("The trainer"). */
  peer?: string;
}

interface Pending {
  method: string;
  settle(reply: Reply): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const issues = (r: { issues: readonly { message: string }[] }) => r.issues.map((i) => i.message).join('; ');

/** The own keys of a table, typed (Object.keys widens them to string). */
function keysOf<T extends object>(o: T): (keyof T & string)[] {
  return Object.keys(o) as (keyof T & string)[];
}

export class Channel<C extends CallTable, N extends NotifyTable, E extends EventTable> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, ((raw: unknown) => void)[]>();
  /** Served methods, each checking its params before its handler runs; true: it is a call. */
  private readonly served = new Map<string, { call: boolean; run(raw: unknown): unknown }>();

  constructor(private readonly options: ChannelOptions<C, N, E>) {}

  /** Calls a method; resolves with its checked result, rejects with the other side's error or on timeout. */
  call<K extends keyof C & string>(method: K, params: ParamsOf<C[K]>, opts: CallOptions = {}): Promise<ResultOf<C[K]>> {
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const schema = this.options.contract.calls[method].result;
    return new Promise<ResultOf<C[K]>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.options.peer ?? 'The other side'} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        timer,
        reject,
        settle: (reply) => {
          if ('err' in reply) return reject(new Error(reply.err));
          const r = v.safeParse(schema, reply.ok);
          if (r.success) return resolve(r.output);
          this.options.onProblem?.(`malformed ${method} result: ${issues(r)}`, reply);
          reject(new Error(`Malformed answer to ${method}: ${issues(r)}`));
        },
      });
      this.options.post({ id, method, params }, opts.transfer ?? []);
    });
  }

  /** Sends a notification: no answer, delivered in order with everything else. */
  notify<K extends keyof N & string>(method: K, params: v.InferOutput<N[K]>, transfer: ArrayBuffer[] = []): void {
    this.options.post({ method, params }, transfer);
  }

  /** Raises an event on the other side. */
  emit<K extends keyof E & string>(event: K, params: v.InferOutput<E[K]>, transfer: ArrayBuffer[] = []): void {
    this.options.post({ event, params }, transfer);
  }

  /** Listens to one event; its params are checked before the listener sees them. */
  on<K extends keyof E & string>(event: K, listener: (params: v.InferOutput<E[K]>) => void): void {
    const schema = this.options.contract.events[event];
    const list = this.listeners.get(event) ?? [];
    list.push((raw) => {
      const r = v.safeParse(schema, raw);
      if (r.success) listener(r.output);
      else this.options.onProblem?.(`malformed ${event} event: ${issues(r)}`, raw);
    });
    this.listeners.set(event, list);
  }

  /** Answers the contract's calls and notifications with these handlers (the serving side). */
  serve(handlers: Handlers<C, N>): void {
    const { calls, notifications } = this.options.contract;
    for (const key of keysOf(calls)) {
      const schema = calls[key].params;
      const handler = handlers[key];
      this.served.set(key, { call: true, run: (raw) => this.checked(key, schema, raw, handler) });
    }
    for (const key of keysOf(notifications)) {
      const schema = notifications[key];
      const handler = handlers[key];
      this.served.set(key, { call: false, run: (raw) => this.checked(key, schema, raw, handler) });
    }
  }

  /** Calls still waiting for an answer. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Fails every waiting call (the other side died); their late answers, if any, are dropped. */
  failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
      this.pending.delete(id);
    }
  }

  /** Takes one raw message from the port: checks it, then settles a call, runs a handler or raises an event. */
  receive(raw: unknown): void {
    const m = parseEnvelope(raw);
    if (!m) return this.options.onProblem?.('dropped a message that is no envelope', raw);
    if (isReply(m)) {
      const p = this.pending.get(m.id);
      if (!p) return this.options.onProblem?.(`late answer ${m.id} dropped`, raw);
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      return p.settle(m);
    }
    if (isEvent(m)) {
      const list = this.listeners.get(m.event);
      if (!Object.hasOwn(this.options.contract.events, m.event))
        return this.options.onProblem?.(`unknown event ${m.event}`, raw);
      for (const l of list ?? []) l(m.params);
      return;
    }
    this.dispatch(m.method, m.params, isRequest(m) ? m.id : undefined, raw);
  }

  private checked<P>(method: string, schema: v.GenericSchema<unknown, P>, raw: unknown, handler: (p: P) => unknown) {
    const r = v.safeParse(schema, raw);
    if (!r.success) throw new Refused(`malformed ${method} params: ${issues(r)}`);
    return handler(r.output);
  }

  private dispatch(method: string, params: unknown, id: number | undefined, raw: unknown): void {
    const refuse = (why: string) => {
      if (id === undefined) this.options.onProblem?.(why, raw);
      else this.options.post({ id, err: why }, []);
    };
    const served = this.served.get(method);
    if (!served) return refuse(`unknown method ${method}`);
    if (served.call !== (id !== undefined))
      return refuse(
        `${method} is ${served.call ? 'a call: send it with an id' : 'a notification: send it without an id'}`,
      );
    let answer: unknown;
    try {
      answer = served.run(params);
    } catch (e) {
      return refuse(id === undefined && !(e instanceof Refused) ? `${method} failed: ${errText(e)}` : errText(e));
    }
    Promise.resolve(answer).then(
      (value) => {
        if (id === undefined) return;
        if (value instanceof Transferring) this.options.post({ id, ok: value.value }, value.transfer);
        else this.options.post({ id, ok: value }, []);
      },
      (e) => refuse(id === undefined ? `${method} failed: ${errText(e)}` : errText(e)),
    );
  }
}

/** A message refused before its handler ran. */
class Refused extends Error {}
