// The lab through the real worker bundle (dist/worker.js): sample, intervene and memorySpan on a briefly
// trained document model; every answer passes the contract's schemas; bad requests are refused.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { failure, within, WorkerClient } from '../workerChannel';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

export const LAB_TEXT = Array.from(
  { length: 60 },
  (_, k) => `function f${k}(a, b) {\n  return [a + ${k}, "s${k % 7}", (b * ${k % 5})];\n}\n`,
).join('');

describe('lab/worker (dist/worker.js)', function () {
  this.timeout(60000);
  let c: WorkerClient;
  before(async () => {
    c = new WorkerClient(WORKER);
    await c.next('ready');
    c.notify('setDocument', { docId: 'd', version: 1, text: LAB_TEXT });
    c.notify('train', {
      docId: 'd',
      resume: false,
      model: { hiddenSize: 16, layers: 1, embeddingSize: 8, maxVocab: 64 },
      training: { timeBudgetSec: 1, seqLength: 16, batchSize: 8 } as never,
    });
    await c.next('trainingStatus', (m) => m.docId === 'd' && m.status === 'done');
  });
  after(async () => {
    await c.close();
  });

  it('samples reproducibly from the cursor', async () => {
    const req = { docId: 'd', version: 1, offset: 200, length: 60, temperature: 0.8, seed: 5 } as const;
    const first = c.call('sample', req);
    const second = c.call('sample', req);
    const a = await first;
    const b = await second;
    console.log(`      sample: ${JSON.stringify(a.text)}`);
    assert.equal(a.text, b.text);
    assert.equal([...a.text].length, 60);
  });

  it('intervenes: baseline and clamped side by side; unknown units refused', async () => {
    const base = { docId: 'd', version: 1, offset: 300, layer: 0, length: 40 } as const;
    const req = { ...base, target: 'o', unit: null, value: 0, steps: 10, temperature: 1, seed: 2, topK: 5 } as const;
    const r = await c.call('intervene', req);
    assert.equal(r.baseline.top.length, 5);
    assert.notDeepEqual(r.baseline.top, r.clamped.top);
    console.log(`      baseline ${JSON.stringify(r.baseline.text)}\n      o=0 ×10  ${JSON.stringify(r.clamped.text)}`);
    const f = await failure(c.call('intervene', { ...req, unit: 99 }));
    assert.match(f.message, /Unit 99/);
  });

  it('measures memory span at the cursor', async () => {
    const r = await c.call('memorySpan', { docId: 'd', version: 1, offset: 500, window: 64 });
    assert.equal(r.forgetProduct.length, 64);
    assert.equal(r.forgetProductUnits.length, 64 * 16);
    assert.equal(r.offsets[64], 500);
    assert.ok(r.gradNorm[63] > 0);
    await failure(c.call('memorySpan', { docId: 'd', version: 2, offset: 500, window: 64 }));
  });

  it('compares the three cells without touching the document model, is cancellable, then probes', async () => {
    const predict = { docId: 'd', version: 1, offset: 700, topK: 5, context: 8 } as const;
    const before = await c.call('predict', predict);
    // Progress names the document, not the call: this comparison's events are those raised while it ran.
    const progressBefore = c.events('compareProgress').length;
    const done = await c.call('compareCells', { docId: 'd', budgetSec: 0.6, match: 'params', hiddenSize: 16 });
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
    const progress = c
      .events('compareProgress')
      .slice(progressBefore)
      .filter((m) => m.docId === 'd');
    assert.ok(progress.length >= 3);
    const after = await c.call('predict', predict);
    assert.deepEqual(after.prediction, before.prediction, 'the document model is untouched');

    const probe = await c.call('longRangeProbe', { docId: 'd' });
    assert.equal(probe.buckets.length, 6);
    assert.ok(probe.buckets.some((b) => b.count > 0 && b.meanProb.gru !== null));

    const progressed = c.next('compareProgress', (m) => m.docId === 'd');
    const comparing = c.call(
      'compareCells',
      { docId: 'd', budgetSec: 60, match: 'hidden', hiddenSize: 16 },
      { timeoutMs: 60_000 },
    );
    await progressed;
    const t0 = Date.now();
    c.notify('stopTraining', { docId: 'd' });
    const stopped = await within(comparing, 10000);
    assert.equal(stopped.status, 'stopped');
    assert.ok(Date.now() - t0 < 5000);
  });
});
