// The state cache is invisible: predictions through it equal a cache-free recompute, bit for bit,
// across random offsets, random edits and cache eviction.
import * as assert from 'node:assert/strict';
import { generateCorpus } from '../../../src/cli/corpus';
import type { InferenceConfig, ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights } from '../../../src/model/params';
import { Rng } from '../../../src/model/rng';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';
import type { Prediction } from '../../../src/shared/protocol';

const model: ModelConfig = { hiddenSize: 12, layers: 2, embeddingSize: 6, maxVocab: 40 };

function same(a: Prediction, b: Prediction): number {
  assert.deepEqual(a.top, b.top);
  assert.deepEqual(a.actual, b.actual);
  assert.deepEqual(a.contextTokens, b.contextTokens);
  let d = 0;
  a.trace.forEach((t, l) => {
    assert.equal(t.values.length, b.trace[l].values.length);
    for (let k = 0; k < t.values.length; k++) d = Math.max(d, Math.abs(t.values[k] - b.trace[l].values[k]));
  });
  return d;
}

function property(cfg: InferenceConfig, seed: number): void {
  const rng = new Rng(seed);
  const doc = new TextDoc(generateCorpus(3000, seed) + '\r\n😀 끝', 1);
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const p = Predictor.from(initWeights(model, vocab.size, seed), vocab, cfg);
  let maxDiff = 0;
  let checks = 0;
  for (let k = 0; k < 300; k++) {
    if (rng.next() < 0.3) {
      const off = rng.int(doc.text.length + 1);
      const del = Math.min(rng.int(5), doc.text.length - off);
      const ins = ['x', '\r\n', '😀', '', 'abc '][rng.int(5)];
      p.invalidateFrom(doc.applyEdits([{ offset: off, deleteCount: del, text: ins }], doc.version + 1));
    }
    // Cursor moves: mostly near the last one (warm cache), sometimes anywhere (cold).
    const offset = rng.int(doc.text.length + 1);
    const context = rng.int(40);
    const a = p.predict(doc, offset, 5, context);
    const b = p.recompute(doc, offset, 5, context);
    maxDiff = Math.max(maxDiff, same(a, b));
    const near = Math.min(doc.text.length, offset + rng.int(8));
    maxDiff = Math.max(maxDiff, same(p.predict(doc, near, 5, context), p.recompute(doc, near, 5, context)));
    checks += 2;
  }
  console.log(`      ${checks} queries, max trace diff cache vs recompute: ${maxDiff}`);
  assert.equal(maxDiff, 0);
}

describe('model/stateCache', () => {
  it('cache equals recompute over random offsets and random edits', () => {
    property({ segmentLength: 16, warmup: 24, checkpointEvery: 4, maxCachedSegments: 10000 }, 1);
  });

  it('still equal when the cache evicts constantly', () => {
    property({ segmentLength: 8, warmup: 8, checkpointEvery: 4, maxCachedSegments: 3 }, 2);
  });

  it('bounds the replayed steps: cold ≤ W + S, warm ≤ K + context', () => {
    const cfg = { segmentLength: 64, warmup: 128, checkpointEvery: 16, maxCachedSegments: 100 };
    const doc = new TextDoc(generateCorpus(5000, 3), 1);
    const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
    const p = Predictor.from(initWeights(model, vocab.size, 3), vocab, cfg);
    p.predict(doc, 4000, 5, 32);
    assert.ok(p.lastSteps <= cfg.warmup + cfg.segmentLength, `cold ${p.lastSteps}`);
    const cold = p.lastSteps;
    p.predict(doc, 4003, 5, 32);
    assert.ok(p.lastSteps <= cfg.checkpointEvery + 32, `warm ${p.lastSteps}`);
    console.log(`      steps: cold ${cold}, warm ${p.lastSteps}`);
  });
});
