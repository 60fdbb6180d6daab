// Overlay values are the Predictor's own numbers: a unit's value at token k equals the last trace row of a
// prediction at the end of token k, and the surprisal of token k equals Prediction.actual.bits at its start,
// across segment boundaries, CRLF and astral characters, edits, and a trace store that evicts constantly.
import * as assert from 'node:assert/strict';
import { generateCorpus } from '../../../src/cli/corpus';
import type { InferenceConfig, ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights } from '../../../src/model/params';
import { Rng } from '../../../src/model/rng';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';
import { surprisal, unitValuesSync } from '../../../src/model/insight/overlay';
import { gateRow, heldOutStartOffset, tokenRange, TraceStore } from '../../../src/model/insight/traces';
import { GATE_NAMES } from '../../../src/shared/protocol';
import { wasmBackend } from '../model/helpers';

const model: ModelConfig = { hiddenSize: 12, layers: 2, embeddingSize: 6, maxVocab: 40 };
const cfg: InferenceConfig = { segmentLength: 16, warmup: 24, checkpointEvery: 4, maxCachedSegments: 10000 };

function setup(seed: number, arena?: Parameters<typeof Predictor.from>[3]) {
  const doc = new TextDoc(generateCorpus(1500, seed) + '\r\n😀 끝 "a\\"b" x\r\ny', 1);
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const p = Predictor.from(initWeights(model, vocab.size, seed), vocab, cfg, arena);
  return { doc, vocab, p };
}

/** Reference: unit value at token k = last trace row of predict at the end of token k (fresh cache). */
function referenceValue(p: Predictor, doc: TextDoc, k: number, layer: number, row: number, unit: number): number {
  const pr = p.recompute(doc, doc.starts[k + 1], 1, 1);
  const H = pr.hiddenSize;
  const T = pr.contextTokens.length;
  return pr.trace[layer].values[(T - 1) * 6 * H + row * H + unit];
}

describe('insight/overlay', function () {
  this.timeout(30000);
  it('unit values equal the Predictor trace at the same tokens (all gates, both layers, after edits)', () => {
    const { doc, p } = setup(1);
    const store = new TraceStore(p, 3 * 16 * 6 * 12 * 4 * 2); // about three segments: evicts constantly
    const rng = new Rng(5);
    let maxDiff = 0;
    let checked = 0;
    for (let round = 0; round < 12; round++) {
      if (round % 3 === 2) {
        const off = rng.int(doc.text.length);
        const ins = ['x', '\r\n', '😀', '', '"'][rng.int(5)];
        p.invalidateFrom(doc.applyEdits([{ offset: off, deleteCount: rng.int(3), text: ins }], doc.version + 1));
      }
      const start = rng.int(doc.text.length);
      const end = Math.min(doc.text.length, start + 1 + rng.int(120));
      const layer = rng.int(2);
      const gate = GATE_NAMES[rng.int(6)];
      const unit = rng.int(12);
      const r = unitValuesSync(store, doc, start, end, layer, gate, unit);
      const { first, last } = tokenRange(doc, start, end);
      assert.equal(r.values.length, last - first);
      assert.equal(r.offsets.length, r.values.length + 1);
      assert.ok(r.offsets[0] <= start && r.offsets[r.offsets.length - 1] >= end, 'offsets cover the range');
      for (let k = first; k < last; k++) {
        assert.equal(r.offsets[k - first], doc.starts[k]);
        const ref = referenceValue(p, doc, k, layer, gateRow(gate), unit);
        maxDiff = Math.max(maxDiff, Math.abs(ref - r.values[k - first]));
        checked++;
      }
    }
    console.log(
      `      ${checked} token values vs Predictor trace, max |diff| ${maxDiff}; ${store.computed} segments computed`,
    );
    assert.equal(maxDiff, 0);
  });

  it('surprisal equals Prediction.actual.bits, including the first token and a CRLF token', async () => {
    const { doc, p } = setup(2);
    const store = new TraceStore(p);
    const r = await surprisal(store, doc, 0, doc.text.length);
    assert.equal(r.bits.length, doc.tokenCount);
    let maxDiff = 0;
    for (let k = 0; k < doc.tokenCount; k += k < 40 || k > doc.tokenCount - 40 ? 1 : 7) {
      const a = p.recompute(doc, doc.starts[k], 1, 0).actual!;
      maxDiff = Math.max(maxDiff, Math.abs(a.bits - r.bits[k]) / Math.max(1, a.bits));
    }
    console.log(`      max relative |diff| of bits vs Prediction.actual: ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff < 1e-6);
    // A CRLF is one token spanning two code units; the emoji too.
    const crlf = doc.text.indexOf('\r\n');
    const k = doc.tokensBefore(crlf);
    assert.equal(r.offsets[k + 1] - r.offsets[k], 2);
    const emoji = doc.text.indexOf('😀');
    const e = doc.tokensBefore(emoji);
    assert.equal(r.offsets[e + 1] - r.offsets[e], 2);
    // A range starting inside the emoji starts at the emoji's token.
    const inside = await surprisal(store, doc, emoji + 1, emoji + 2);
    assert.deepEqual([...inside.offsets], [emoji, emoji + 2]);
    assert.equal(inside.bits[0], r.bits[e]);
    // The held-out boundary is a token start.
    const h = heldOutStartOffset(doc, 0.1);
    assert.equal(doc.starts[doc.tokensBefore(h)], h);
  });

  it('matches on the wasm arena too, and warms the cursor cache (checkpoints are shared)', async () => {
    const b = await wasmBackend();
    const { doc, p } = setup(3, b.arena);
    try {
      const store = new TraceStore(p);
      const r = unitValuesSync(store, doc, 600, 700, 1, 'c', 4);
      let maxDiff = 0;
      const { first } = tokenRange(doc, 600, 700);
      for (let k = 0; k < r.values.length; k++)
        maxDiff = Math.max(maxDiff, Math.abs(referenceValue(p, doc, first + k, 1, 4, 4) - r.values[k]));
      console.log(`      wasm: max |diff| ${maxDiff}`);
      assert.equal(maxDiff, 0);
      p.predict(doc, 650, 3, 4);
      assert.ok(p.lastSteps <= cfg.checkpointEvery + 4, `warm cursor query after the overlay: ${p.lastSteps} steps`);
      const again = unitValuesSync(store, doc, 600, 700, 1, 'c', 4);
      assert.deepEqual(again.values, r.values);
    } finally {
      p.dispose();
    }
  });

  it('empty and end-of-text ranges', () => {
    const { doc, p } = setup(4);
    const store = new TraceStore(p);
    const len = doc.text.length;
    assert.equal(unitValuesSync(store, doc, 5, 5, 0, 'h', 0).values.length, 0);
    assert.equal(unitValuesSync(store, doc, len, len + 10, 0, 'h', 0).values.length, 0);
    const tail = unitValuesSync(store, doc, len - 1, len + 10, 0, 'h', 0);
    assert.equal(tail.values.length, 1);
    assert.equal(tail.offsets[1], len);
    assert.throws(() => unitValuesSync(store, doc, 0, 5, 2, 'h', 0), /layer 2/);
    assert.throws(() => unitValuesSync(store, doc, 0, 5, 0, 'h', 12), /unit 12/);
  });
});
