// The insight messages through the real worker bundle (dist/worker.js): import a model, then ask for
// overlay values, surprisal, alternatives, find-units and labels; every answer parses, matches the same
// computation done here, and every bad request answers requestFailed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateCorpus } from '../../../src/cli/corpus';
import type { ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights } from '../../../src/model/params';
import { saveModel } from '../../../src/model/persist';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';
import { surprisal, unitValuesSync } from '../../../src/model/insight/overlay';
import { heldOutStartOffset, TraceStore } from '../../../src/model/insight/traces';
import { parseWorkerMessage, type HostToWorker, type WorkerToHost } from '../../../src/shared/protocol';
import { wasmBackend } from '../model/helpers';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

describe('insight/worker messages (dist/worker.js)', function () {
  this.timeout(60000);
  let w: Worker;
  const seen: WorkerToHost[] = [];
  let waiters: { pred: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];
  const next = <T extends WorkerToHost['type']>(type: T, requestId: number) =>
    new Promise<Extract<WorkerToHost, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} for request ${requestId}`)), 30000);
      waiters.push({
        pred: (m) => m.type === type && (m as { requestId?: number }).requestId === requestId,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<WorkerToHost, { type: T }>);
        },
      });
    });
  const send = (m: HostToWorker, transfer: ArrayBuffer[] = []) => w.postMessage(m, transfer);

  const text = generateCorpus(20000, 8) + '\r\nconst s = "한글😀";\r\n';
  const model: ModelConfig = { hiddenSize: 24, layers: 1, embeddingSize: 8, maxVocab: 90 };
  const doc = new TextDoc(text, 1);
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const weights = initWeights(model, vocab.size, 3);

  before(async () => {
    w = new Worker(WORKER);
    w.on('message', (raw) => {
      const m = parseWorkerMessage(raw);
      assert.ok(m, `worker sent a message the host cannot parse: ${JSON.stringify(raw)?.slice(0, 300)}`);
      seen.push(m);
      waiters = waiters.filter((x) => (x.pred(m) ? (x.resolve(m), false) : true));
    });
    send({ type: 'setDocument', docId: 'd', version: 1, text });
    const saved = saveModel(weights, vocab, text);
    send({ type: 'importModel', docId: 'd', requestId: 1, json: saved.json, weights: saved.weights }, [saved.weights]);
    await next('modelImported', 1);
  });
  after(async () => {
    await w.terminate();
  });

  it('unitValues and surprisal equal the same computation here (same wasm engine)', async () => {
    const b = await wasmBackend();
    const p = Predictor.from(weights, vocab, undefined, b.arena);
    try {
      const store = new TraceStore(p);
      const start = 5000;
      const end = 8000;
      const t0 = performance.now();
      send({ type: 'unitValues', docId: 'd', requestId: 2, version: 1, start, end, layer: 0, gate: 'c', unit: 7 });
      const a = await next('unitValues', 2);
      const cold = performance.now() - t0;
      const t1 = performance.now();
      send({ type: 'unitValues', docId: 'd', requestId: 3, version: 1, start, end, layer: 0, gate: 'o', unit: 2 });
      await next('unitValues', 3);
      const warm = performance.now() - t1;
      const ref = unitValuesSync(store, doc, start, end, 0, 'c', 7);
      assert.deepEqual(a.offsets, ref.offsets);
      let d = 0;
      for (let k = 0; k < ref.values.length; k++) d = Math.max(d, Math.abs(a.values[k] - ref.values[k]));
      send({ type: 'surprisal', docId: 'd', requestId: 4, version: 1, start: 0, end: text.length });
      const s = await next('surprisal', 4);
      const sref = await surprisal(store, doc, 0, text.length);
      let ds = 0;
      for (let k = 0; k < sref.bits.length; k++) ds = Math.max(ds, Math.abs(s.bits[k] - sref.bits[k]));
      assert.equal(s.heldOutStart, heldOutStartOffset(doc, 0.1));
      console.log(
        `      3000 chars: cold ${cold.toFixed(1)} ms, another unit ${warm.toFixed(1)} ms (round trip, printed only); ` +
          `max |diff| values ${d}, bits ${ds}`,
      );
      assert.equal(d, 0);
      assert.equal(ds, 0);
    } finally {
      p.dispose();
    }
  });

  it('alternatives at a CRLF and inside an emoji; held-out flag', async () => {
    const crlf = text.lastIndexOf('\r\n');
    send({ type: 'alternatives', docId: 'd', requestId: 5, version: 1, offset: crlf + 1, topK: 3 });
    const a = await next('alternatives', 5);
    assert.equal(a.tokenStart, crlf);
    assert.equal(a.tokenEnd, crlf + 2);
    assert.equal(a.actual?.token, '\n');
    assert.equal(a.top.length, 3);
    assert.equal(a.heldOut, true);
    send({ type: 'alternatives', docId: 'd', requestId: 6, version: 1, offset: 10, topK: 2 });
    assert.equal((await next('alternatives', 6)).heldOut, false);
  });

  it('findUnits and labelUnits answer with well-formed rankings', async () => {
    send({
      type: 'findUnits',
      docId: 'd',
      requestId: 7,
      version: 1,
      selections: [
        { start: 1000, end: 1040 },
        { start: 3000, end: 3010 },
      ],
      direction: 'high',
    });
    const f = await next('unitMatches', 7);
    assert.equal(f.matches.length, 20);
    for (let k = 1; k < f.matches.length; k++) assert.ok(f.matches[k - 1].score >= f.matches[k].score);
    send({ type: 'labelUnits', docId: 'd', requestId: 8, languageId: 'typescript' });
    const l = await next('unitLabels', 8);
    assert.equal(l.family, 'c-like');
    assert.ok(l.labels.length > 0 && l.labels.every((x) => Math.abs(x.r) <= 1));
    assert.ok(l.tokens > 1000);
  });

  it('bad requests answer requestFailed', async () => {
    const cases: [HostToWorker, RegExp][] = [
      [
        { type: 'unitValues', docId: 'd', requestId: 9, version: 9, start: 0, end: 5, layer: 0, gate: 'h', unit: 0 },
        /Stale/,
      ],
      [
        { type: 'unitValues', docId: 'd', requestId: 10, version: 1, start: 0, end: 5, layer: 3, gate: 'h', unit: 0 },
        /layer 3/,
      ],
      [{ type: 'surprisal', docId: 'x', requestId: 11, version: 1, start: 0, end: 5 }, /Unknown document/],
      [{ type: 'surprisal', docId: 'd', requestId: 12, version: 1, start: 0, end: 1 << 20 }, /too long/],
      [
        {
          type: 'findUnits',
          docId: 'd',
          requestId: 13,
          version: 1,
          selections: [{ start: 0, end: 0 }],
          direction: 'low',
        },
        /empty/,
      ],
      [{ type: 'alternatives', docId: 'd', requestId: 14, version: 1, offset: 1 << 24, topK: 3 }, /past the end/],
    ];
    for (const [m, re] of cases) {
      send(m);
      const f = await next('requestFailed', (m as { requestId: number }).requestId);
      assert.match(f.message, re);
    }
  });
});
