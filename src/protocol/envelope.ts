// The one shape of every message between host and trainer worker: requests answered by id, notifications
// (fire-and-forget, in order), replies that carry a result or an error, and events the worker raises.
import * as v from 'valibot';

/** A call the sender awaits: the receiver answers with a Reply of the same id. */
export interface Request {
  id: number;
  method: string;
  params: unknown;
}

/** A message nobody answers (document text, edits, start / stop training): it only has to arrive in order. */
export interface Notification {
  method: string;
  params: unknown;
}

/** The answer to a Request: its result, or why there is none (in words, for the log and the user). */
export type Reply = { id: number; ok: unknown } | { id: number; err: string };

/** Something the worker reports on its own (readiness, training status and progress, comparison progress, logs). */
export interface Event {
  event: string;
  params: unknown;
}

export type Envelope = Request | Notification | Reply | Event;

const id = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Envelope schemas, most specific first: a reply has an id and ok / err, a request an id and a method. */
const ENVELOPE = v.union([
  v.object({ id, ok: v.unknown() }),
  v.object({ id, err: v.string() }),
  v.object({ id, method: v.string(), params: v.unknown() }),
  v.object({ method: v.string(), params: v.unknown() }),
  v.object({ event: v.string(), params: v.unknown() }),
]);

/** Classifies a raw message; undefined when it is none of the envelope's shapes. */
export function parseEnvelope(raw: unknown): Envelope | undefined {
  const r = v.safeParse(ENVELOPE, raw);
  return r.success ? r.output : undefined;
}

export function isReply(e: Envelope): e is Reply {
  return 'id' in e && ('ok' in e || 'err' in e);
}

export function isRequest(e: Envelope): e is Request {
  return 'id' in e && 'method' in e;
}

export function isEvent(e: Envelope): e is Event {
  return 'event' in e;
}
