// The lab through the real worker bundle (dist/worker.js): sample, intervene and memorySpan on a briefly
// trained document model; every answer parses with parseLabWorkerMessage; bad requests are refused.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  parseLabWorkerMessage,
  parseWorkerMessage,
  type HostToWorker,
  type LabWorkerToHost,
  type WorkerToHost,
} from '../../../src/shared/protocol';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');
type Any = WorkerToHost | LabWorkerToHost;

export class LabClient {
  readonly w = new Worker(WORKER);
  readonly seen: Any[] = [];
  private waiters: { pred: (m: Any) => boolean; resolve: (m: Any) => void }[] = [];

  constructor() {
    this.w.on('message', (raw) => {
      const m = parseWorkerMessage(raw) ?? parseLabWorkerMessage(raw);
      assert.ok(m, `worker sent a message the host cannot parse: ${JSON.stringify(raw)?.slice(0, 300)}`);
      this.seen.push(m);
      this.waiters = this.waiters.filter((x) => (x.pred(m) ? (x.resolve(m), false) : true));
    });
  }

  send(m: HostToWorker): void {
    this.w.postMessage(m);
  }

  next<T extends Any['type']>(type: T, pred: (m: Extract<Any, { type: T }>) => boolean = () => true, ms = 30000) {
    return new Promise<Extract<Any, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
      this.waiters.push({
        pred: (m) => m.type === type && pred(m as Extract<Any, { type: T }>),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<Any, { type: T }>);
        },
      });
    });
  }
}

export const LAB_TEXT = Array.from(
  { length: 60 },
  (_, k) => `function f${k}(a, b) {\n  return [a + ${k}, "s${k % 7}", (b * ${k % 5})];\n}\n`,
).join('');

describe('lab/worker (dist/worker.js)', function () {
  this.timeout(60000);
  let c: LabClient;
  before(async () => {
    c = new LabClient();
    await c.next('ready');
    c.send({ type: 'setDocument', docId: 'd', version: 1, text: LAB_TEXT });
    c.send({
      type: 'train',
      docId: 'd',
      resume: false,
      model: { hiddenSize: 16, layers: 1, embeddingSize: 8, maxVocab: 64 },
      training: { timeBudgetSec: 1, seqLength: 16, batchSize: 8 } as never,
    });
    await c.next('trainingStatus', (m) => m.docId === 'd' && m.status === 'done');
  });
  after(async () => {
    await c.w.terminate();
  });

  it('samples reproducibly from the cursor', async () => {
    const req = { type: 'sample', docId: 'd', version: 1, offset: 200, length: 60, temperature: 0.8, seed: 5 } as const;
    c.send({ ...req, requestId: 1 });
    c.send({ ...req, requestId: 2 });
    const a = await c.next('sampled', (m) => m.requestId === 1);
    const b = await c.next('sampled', (m) => m.requestId === 2);
    console.log(`      sample: ${JSON.stringify(a.text)}`);
    assert.equal(a.text, b.text);
    assert.equal([...a.text].length, 60);
  });

  it('intervenes: baseline and clamped side by side; unknown units refused', async () => {
    const base = { type: 'intervene', docId: 'd', version: 1, offset: 300, layer: 0, length: 40 } as const;
    const req = { ...base, target: 'o', unit: null, value: 0, steps: 10, temperature: 1, seed: 2, topK: 5 } as const;
    c.send({ ...req, requestId: 3 });
    const r = await c.next('intervention', (m) => m.requestId === 3);
    assert.equal(r.baseline.top.length, 5);
    assert.notDeepEqual(r.baseline.top, r.clamped.top);
    console.log(`      baseline ${JSON.stringify(r.baseline.text)}\n      o=0 ×10  ${JSON.stringify(r.clamped.text)}`);
    c.send({ ...req, requestId: 4, unit: 99 });
    const f = await c.next('requestFailed', (m) => m.requestId === 4);
    assert.match(f.message, /Unit 99/);
  });

  it('measures memory span at the cursor', async () => {
    c.send({ type: 'memorySpan', docId: 'd', requestId: 5, version: 1, offset: 500, window: 64 });
    const r = await c.next('memorySpan', (m) => m.requestId === 5);
    assert.equal(r.forgetProduct.length, 64);
    assert.equal(r.forgetProductUnits.length, 64 * 16);
    assert.equal(r.offsets[64], 500);
    assert.ok(r.gradNorm[63] > 0);
    c.send({ type: 'memorySpan', docId: 'd', requestId: 6, version: 2, offset: 500, window: 64 });
    await c.next('requestFailed', (m) => m.requestId === 6);
  });

  it('compares the three cells without touching the document model, is cancellable, then probes', async () => {
    const predict = { type: 'predict', docId: 'd', version: 1, offset: 700, topK: 5, context: 8 } as const;
    c.send({ ...predict, requestId: 10 });
    const before = await c.next('prediction', (m) => m.requestId === 10);
    c.send({ type: 'compareCells', docId: 'd', requestId: 11, budgetSec: 0.6, match: 'params', hiddenSize: 16 });
    const done = await c.next('compareDone', (m) => m.requestId === 11);
    assert.equal(done.status, 'done');
    assert.deepEqual(
      done.results.map((r) => r.cell),
      ['lstm', 'gru', 'rnn'],
    );
    for (const r of done.results) {
      console.log(
        `      ${r.cell}: H=${r.hiddenSize}, ${r.params} params, ${r.steps} steps, ${r.heldOutBpc?.toFixed(3)} bpc`,
      );
      assert.ok(r.steps > 0 && r.heldOutBpc !== null);
    }
    const lstmParams = done.results[0].params;
    for (const r of done.results) assert.ok(Math.abs(r.params - lstmParams) / lstmParams < 0.1);
    const progress = c.seen.filter((m) => m.type === 'compareProgress' && m.requestId === 11);
    assert.ok(progress.length >= 3);
    c.send({ ...predict, requestId: 12 });
    const after = await c.next('prediction', (m) => m.requestId === 12);
    assert.deepEqual(after.prediction, before.prediction, 'the document model is untouched');

    c.send({ type: 'longRangeProbe', docId: 'd', requestId: 13 });
    const probe = await c.next('longRange', (m) => m.requestId === 13);
    assert.equal(probe.buckets.length, 6);
    assert.ok(probe.buckets.some((b) => b.count > 0 && b.meanProb.gru !== null));

    c.send({ type: 'compareCells', docId: 'd', requestId: 14, budgetSec: 60, match: 'hidden', hiddenSize: 16 });
    await c.next('compareProgress', (m) => m.requestId === 14);
    const t0 = Date.now();
    c.send({ type: 'stopTraining', docId: 'd' });
    const stopped = await c.next('compareDone', (m) => m.requestId === 14, 10000);
    assert.equal(stopped.status, 'stopped');
    assert.ok(Date.now() - t0 < 5000);
  });
});
