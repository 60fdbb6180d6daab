// The insight calls through the real worker bundle (dist/worker.js): import a model, then ask for
// overlay values, surprisal, alternatives, find-units and labels; every answer passes the contract's
// schemas, matches the same computation done here, and every bad request is refused with its reason.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import type { ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights } from '../../../src/model/params';
import { saveModel } from '../../../src/model/persist';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';
import { inspect, targetValues } from '../../../src/model/insight/inspector';
import { probeValues, surprisal, unitValuesSync } from '../../../src/model/insight/overlay';
import { heldOutStartOffset, TraceStore } from '../../../src/model/insight/traces';
import { wasmBackend } from '../model/helpers';
import { failure, WorkerClient } from '../workerChannel';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

describe('insight/worker messages (dist/worker.js)', function () {
  this.timeout(60000);
  let c: WorkerClient;

  const text = generateCorpus(20000, 8) + '\r\nconst s = "한글😀";\r\n';
  const model: ModelConfig = { hiddenSize: 24, layers: 1, embeddingSize: 8, maxVocab: 90 };
  const doc = new TextDoc(text, 1);
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const weights = initWeights(model, vocab.size, 3);

  before(async () => {
    c = new WorkerClient(WORKER);
    c.notify('setDocument', { docId: 'd', version: 1, text });
    const saved = saveModel(weights, vocab, text);
    await c.call(
      'importModel',
      { docId: 'd', json: saved.json, weights: saved.weights },
      { transfer: [saved.weights] },
    );
  });
  after(async () => {
    await c.close();
  });

  it('unitValues and surprisal equal the same computation here (same wasm engine)', async () => {
    const b = await wasmBackend();
    const p = Predictor.from(weights, vocab, undefined, b.arena);
    try {
      const store = new TraceStore(p);
      const start = 5000;
      const end = 8000;
      const t0 = performance.now();
      const a = await c.call('unitValues', { docId: 'd', version: 1, start, end, layer: 0, gate: 'c', unit: 7 });
      const cold = performance.now() - t0;
      const t1 = performance.now();
      await c.call('unitValues', { docId: 'd', version: 1, start, end, layer: 0, gate: 'o', unit: 2 });
      const warm = performance.now() - t1;
      const ref = unitValuesSync(store, doc, start, end, 0, 'c', 7);
      assert.deepEqual(a.offsets, ref.offsets);
      let d = 0;
      for (let k = 0; k < ref.values.length; k++) d = Math.max(d, Math.abs(a.values[k] - ref.values[k]));
      const s = await c.call('surprisal', { docId: 'd', version: 1, start: 0, end: text.length });
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
    const a = await c.call('alternatives', { docId: 'd', version: 1, offset: crlf + 1, topK: 3 });
    assert.equal(a.tokenStart, crlf);
    assert.equal(a.tokenEnd, crlf + 2);
    assert.equal(a.actual?.token, '\n');
    assert.equal(a.top.length, 3);
    assert.equal(a.heldOut, true);
    assert.equal((await c.call('alternatives', { docId: 'd', version: 1, offset: 10, topK: 2 })).heldOut, false);
  });

  it('findUnits and labelUnits answer with well-formed rankings', async () => {
    const f = await c.call('findUnits', {
      docId: 'd',
      version: 1,
      selections: [
        { start: 1000, end: 1040 },
        { start: 3000, end: 3010 },
      ],
      direction: 'high',
    });
    assert.equal(f.matches.length, 20);
    for (let k = 1; k < f.matches.length; k++) assert.ok(f.matches[k - 1].score >= f.matches[k].score);
    const l = await c.call('labelUnits', { docId: 'd', languageId: 'typescript' });
    assert.equal(l.family, 'c-like');
    assert.ok(l.labels.length > 0 && l.labels.every((x) => Math.abs(x.r) <= 1));
    assert.ok(l.tokens > 1000);
  });

  it('labelUnits carries the probes; inspect and probeValues equal the same computation here', async () => {
    const l = await c.call('labelUnits', { docId: 'd', languageId: 'typescript' });
    assert.ok(l.probes.length > 0, 'probes answered');
    assert.ok(l.probeFit.fitTokens > 100 && l.probeFit.testTokens > 100);
    for (const p of l.probes) {
      assert.equal(p.weights.length, 2 * model.hiddenSize);
      assert.ok(p.metric === 'auc' ? p.score >= 0 && p.score <= 1 : p.score <= 1);
    }
    const probe = l.probes[0];
    const b = await wasmBackend();
    const p = Predictor.from(weights, vocab, undefined, b.arena);
    try {
      const values = await c.call('probeValues', { docId: 'd', version: 1, start: 100, end: 900, ...probe });
      const ref = await probeValues(new TraceStore(p), doc, 100, 900, probe);
      assert.deepEqual(values.offsets, ref.offsets);
      assert.deepEqual(values.values, ref.values);
      const target = { kind: 'unit', layer: 0, gate: 'h', unit: 5 } as const;
      const ins = await c.call('inspect', { docId: 'd', target });
      const local = inspect(doc, target, await targetValues(p, doc, target, null));
      assert.deepEqual({ ...ins, version: undefined }, { ...local, version: undefined });
      const byProbe = await c.call('inspect', {
        docId: 'd',
        target: { kind: 'probe', feature: probe.feature },
        probe: { weights: probe.weights, bias: probe.bias },
      });
      assert.equal(byProbe.top.length, 10);
      assert.ok(byProbe.top[0].value >= byProbe.bottom[0].value);
      assert.match(
        (await failure(c.call('inspect', { docId: 'd', target: { kind: 'probe', feature: 'inString' } }))).message,
        /no probe/,
      );
    } finally {
      p.dispose();
    }
  });

  it('bad requests are refused, with the reason', async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => c.call('unitValues', { docId: 'd', version: 9, start: 0, end: 5, layer: 0, gate: 'h', unit: 0 }), /Stale/],
      [
        () => c.call('unitValues', { docId: 'd', version: 1, start: 0, end: 5, layer: 3, gate: 'h', unit: 0 }),
        /layer 3/,
      ],
      [() => c.call('surprisal', { docId: 'x', version: 1, start: 0, end: 5 }), /Unknown document/],
      [() => c.call('surprisal', { docId: 'd', version: 1, start: 0, end: 1 << 20 }), /too long/],
      [
        () => c.call('findUnits', { docId: 'd', version: 1, selections: [{ start: 0, end: 0 }], direction: 'low' }),
        /empty/,
      ],
      [() => c.call('alternatives', { docId: 'd', version: 1, offset: 1 << 24, topK: 3 }), /past the end/],
    ];
    for (const [ask, re] of cases) {
      const f = await failure(ask());
      assert.match(f.message, re);
    }
  });
});
