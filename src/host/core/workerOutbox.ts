// Sends large document texts to the trainer worker in slices, one per macrotask, so no host handler holds
// the extension-host thread for a multi-MB copy; messages for a document in transfer wait behind its text.

import type { Envelope } from '../../protocol/envelope';
import { isObject } from '../../shared/validate';

/** A message for the worker; one whose params name a document (`docId`) keeps its order behind that document's text. */
export type Outgoing = Envelope;

/** UTF-16 code units per slice: ~0.5-1 MB to serialise, about a millisecond of the host's thread. */
export const CHUNK_CHARS = 512 * 1024;

export interface WorkerOutboxOptions {
  /** Posts to the worker now (transferables moved). */
  post(message: Outgoing, transfer: ArrayBuffer[]): void;
  /** Runs `fn` in a later macrotask (setImmediate in the host; by hand in unit tests). */
  defer(fn: () => void): void;
  chunkChars?: number;
}

interface Transfer {
  version: number;
  /** The text of `version`, captured when the transfer started (a string, so later edits cannot touch it). */
  text: string;
  /** Code units already posted. */
  sent: number;
  /** Messages for this document posted while its text is on the way, in order, with their transferables. */
  queue: [Outgoing, ArrayBuffer[]][];
}

/**
 * The host's one way to the worker. How edits during a transfer stay correct: the transfer sends the text
 * of the version it started from (a snapshot string), and every message for that document posted meanwhile,
 * edits included, is held and posted right after the last slice, in order. The worker thus sees exactly
 * what an instant setDocument would have shown it: that version, then the edits after it, then the requests.
 * A new text for the same document (a multi-cursor resend) restarts the transfer from its first slice and
 * drops the held edits, which the new text already contains.
 */
export class WorkerOutbox {
  private readonly transfers = new Map<string, Transfer>();
  private readonly chunkChars: number;
  /** The longest text one message has carried (code units): what one handler had to copy, for diagnostics. */
  largestTextPosted = 0;

  constructor(private readonly options: WorkerOutboxOptions) {
    this.chunkChars = options.chunkChars ?? CHUNK_CHARS;
  }

  /** Posts now, or after the document's text when that is still on the way. */
  post(message: Outgoing, transfer: ArrayBuffer[] = []): void {
    const docId = docIdOf(message);
    const pending = docId === undefined ? undefined : this.transfers.get(docId);
    if (pending) pending.queue.push([message, transfer]);
    else this.options.post(message, transfer);
  }

  /** Gives the worker this version's text: at once when small, else in slices over later macrotasks. */
  sendText(docId: string, version: number, text: string): void {
    const pending = this.transfers.get(docId);
    if (pending) {
      pending.queue = pending.queue.filter(([m]) => !('method' in m && m.method === 'editDocument'));
      Object.assign(pending, { version, text, sent: 0 });
      return; // the slice already scheduled carries on with the new text from offset 0
    }
    if (text.length <= this.chunkChars) {
      this.largestTextPosted = Math.max(this.largestTextPosted, text.length);
      this.options.post({ method: 'setDocument', params: { docId, version, text } }, []);
      return;
    }
    const t: Transfer = { version, text, sent: 0, queue: [] };
    this.transfers.set(docId, t);
    this.options.defer(() => this.sendSlice(docId, t));
  }

  /** True while the document's text is on the way. */
  transferring(docId: string): boolean {
    return this.transfers.has(docId);
  }

  /** Forgets every transfer and the messages held behind them (the worker died: they would reach a new one). */
  cancelAll(): void {
    this.transfers.clear();
  }

  private sendSlice(docId: string, t: Transfer): void {
    if (this.transfers.get(docId) !== t) return; // cancelled (one chain of slices per transfer)
    const end = Math.min(t.sent + this.chunkChars, t.text.length);
    this.largestTextPosted = Math.max(this.largestTextPosted, end - t.sent);
    this.options.post(
      {
        method: 'documentChunk',
        params: { docId, version: t.version, offset: t.sent, text: t.text.slice(t.sent, end) },
      },
      [],
    );
    t.sent = end;
    if (end < t.text.length) {
      this.options.defer(() => this.sendSlice(docId, t));
      return;
    }
    this.options.post({ method: 'documentEnd', params: { docId, version: t.version, length: t.text.length } }, []);
    this.transfers.delete(docId);
    for (const [message, transfer] of t.queue) this.options.post(message, transfer);
  }
}

/** The document a message is about, if its params name one. */
function docIdOf(message: Outgoing): string | undefined {
  const params = 'params' in message ? message.params : undefined;
  return isObject(params) && typeof params.docId === 'string' ? params.docId : undefined;
}
