// The outbox slices large texts over macrotasks and holds later messages behind them, so the worker's copy
// ends up exactly the host's document whatever arrives mid-transfer.
import * as assert from 'node:assert/strict';
import { WorkerOutbox, type Outgoing } from '../../../src/host/core/workerOutbox';

/** A message as these cases write it: its method as `type`, its params beside it (and a call's id as requestId). */
type HostToWorker = { type: string; docId: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The outbox carries the channel's envelopes; these tests read and write them as the flat messages they log. */
function flat(e: Outgoing): HostToWorker {
  const method = 'method' in e ? e.method : 'reply';
  const params = 'params' in e && typeof e.params === 'object' ? e.params : {};
  return { type: method, ...params, ...('id' in e ? { requestId: e.id } : {}) } as HostToWorker;
}

function envelope(m: HostToWorker): Outgoing {
  const { type: method, ...rest } = m;
  if (!('requestId' in rest)) return { method, params: rest };
  const { requestId: id, ...params } = rest;
  return { id, method, params };
}

/** What the worker would hold: texts assembled as trainerWorker.ts does, edits applied, other messages logged. */
class FakeWorker {
  readonly texts = new Map<string, { version: number; text: string }>();
  readonly log: string[] = [];
  readonly posted: HostToWorker[] = [];
  private readonly incoming = new Map<string, { version: number; text: string }>();

  receive(m: HostToWorker): void {
    this.posted.push(m);
    switch (m.type) {
      case 'setDocument':
        this.texts.set(m.docId, { version: m.version, text: m.text });
        break;
      case 'documentChunk': {
        const part = this.incoming.get(m.docId);
        if (m.offset === 0) this.incoming.set(m.docId, { version: m.version, text: m.text });
        else {
          assert.ok(part && part.version === m.version && part.text.length === m.offset, 'slices arrive in order');
          part.text += m.text;
        }
        break;
      }
      case 'documentEnd': {
        const part = this.incoming.get(m.docId);
        assert.ok(part && part.version === m.version && part.text.length === m.length, 'the whole text arrived');
        this.incoming.delete(m.docId);
        this.texts.set(m.docId, part);
        break;
      }
      case 'editDocument': {
        const doc = this.texts.get(m.docId);
        assert.ok(doc, `an edit for ${m.docId} after its text`);
        for (const e of m.edits)
          doc.text = doc.text.slice(0, e.offset) + e.text + doc.text.slice(e.offset + e.deleteCount);
        doc.version = m.version;
        break;
      }
      default:
        this.log.push(`${m.type}:${m.docId}:${this.texts.get(m.docId)?.version ?? 'none'}`);
    }
  }
}

function setup(chunkChars = 10) {
  const worker = new FakeWorker();
  const later: (() => void)[] = [];
  const outbox = new WorkerOutbox({ post: (m) => worker.receive(flat(m)), defer: (fn) => later.push(fn), chunkChars });
  /** Runs one deferred macrotask; false when none is left. */
  const tick = () => {
    const fn = later.shift();
    fn?.();
    return fn !== undefined;
  };
  const drain = () => {
    let n = 0;
    while (tick()) n++;
    return n;
  };
  return { worker, outbox, tick, drain };
}

const train = (docId: string): HostToWorker => ({
  type: 'train',
  docId,
  model: { hiddenSize: 8, layers: 1, embeddingSize: 4, maxVocab: 16 },
  training: {} as never,
  resume: false,
});

describe('host/workerOutbox', () => {
  it('posts a small text at once as setDocument', () => {
    const { worker, outbox, drain } = setup();
    outbox.sendText('d', 1, 'short');
    assert.deepEqual(worker.texts.get('d'), { version: 1, text: 'short' });
    assert.equal(drain(), 0, 'nothing deferred');
    assert.equal(outbox.transferring('d'), false);
  });

  it('sends a large text one slice per macrotask, and holds later messages behind it', () => {
    const { worker, outbox, tick, drain } = setup(10);
    const text = 'abcdefghij'.repeat(4) + 'xyz'; // 43 code units: 5 slices
    outbox.sendText('d', 1, text);
    outbox.post(envelope(train('d')));
    outbox.post(envelope({ type: 'stopTraining', docId: 'other' }));
    assert.equal(worker.posted.length, 1, 'only the other document passes; no slice yet (the handler returns)');
    assert.deepEqual(worker.log, ['stopTraining:other:none']);
    assert.ok(tick());
    assert.equal(worker.posted.filter((m) => m.type === 'documentChunk').length, 1, 'one slice per macrotask');
    assert.equal(drain(), 4);
    assert.deepEqual(worker.texts.get('d'), { version: 1, text });
    assert.deepEqual(worker.log, ['stopTraining:other:none', 'train:d:1'], 'train reached the worker after the text');
    assert.equal(outbox.transferring('d'), false);
    assert.equal(outbox.largestTextPosted, 10, 'no message carried more than one slice');
  });

  it('keeps a surrogate pair split across two slices intact', () => {
    const { worker, outbox, drain } = setup(5);
    const text = 'abcd😀efgh\r\nijkl'; // the emoji's two code units straddle offsets 4|5
    outbox.sendText('d', 1, text);
    drain();
    assert.equal(worker.texts.get('d')?.text, text);
  });

  it('applies edits made during the transfer after the version it started from', () => {
    const { worker, outbox, tick, drain } = setup(10);
    let host = '0123456789'.repeat(5);
    outbox.sendText('d', 7, host);
    tick(); // one slice is out
    // The user types twice while the rest is on the way; the host posts the edits as they come.
    const edit = (version: number, offset: number, deleteCount: number, text: string) => {
      host = host.slice(0, offset) + text + host.slice(offset + deleteCount);
      outbox.post(envelope({ type: 'editDocument', docId: 'd', version, edits: [{ offset, deleteCount, text }] }));
    };
    edit(8, 3, 0, 'HELLO');
    outbox.post(envelope({ type: 'predict', docId: 'd', requestId: 1, version: 8, offset: 4, topK: 3, context: 8 }));
    edit(9, 40, 5, '');
    drain();
    assert.deepEqual(worker.texts.get('d'), { version: 9, text: host });
    assert.deepEqual(worker.log, ['predict:d:8'], 'the request saw the version it was made for');
    const chunks = worker.posted.filter((m) => m.type === 'documentChunk');
    assert.ok(
      chunks.every((m) => m.version === 7),
      'every slice is of the starting version',
    );
  });

  it('restarts with a newer text and drops the held edits it already contains', () => {
    const { worker, outbox, tick, drain } = setup(10);
    const v1 = 'a'.repeat(35);
    outbox.sendText('d', 1, v1);
    tick();
    tick();
    outbox.post(
      envelope({ type: 'editDocument', docId: 'd', version: 2, edits: [{ offset: 0, deleteCount: 0, text: 'b' }] }),
    );
    outbox.post(envelope(train('d')));
    const v3 = 'b' + v1 + 'cc'; // a multi-cursor edit: the host resends the whole text
    outbox.sendText('d', 3, v3);
    drain();
    assert.deepEqual(worker.texts.get('d'), { version: 3, text: v3 });
    assert.deepEqual(worker.log, ['train:d:3']);
    assert.ok(!worker.posted.some((m) => m.type === 'editDocument'), 'the stale edit was not replayed');
  });

  it('forgets transfers and held messages when the worker dies', () => {
    const { worker, outbox, tick, drain } = setup(10);
    outbox.sendText('d', 1, 'x'.repeat(30));
    tick();
    outbox.post(envelope(train('d')));
    outbox.cancelAll();
    const posted = worker.posted.length;
    drain();
    assert.equal(worker.posted.length, posted, 'no further slices');
    assert.deepEqual(worker.log, []);
    assert.equal(worker.texts.has('d'), false);
    // A fresh transfer after the crash goes through whole, without a second chain of slices from the first.
    outbox.sendText('d', 2, 'y'.repeat(30));
    drain();
    assert.deepEqual(worker.texts.get('d'), { version: 2, text: 'y'.repeat(30) });
    assert.equal(worker.posted.filter((m) => m.type === 'documentEnd').length, 1);
  });
});
