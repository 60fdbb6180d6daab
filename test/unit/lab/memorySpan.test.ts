// Memory span: the batch-1 backward through the window against central differences of
// the forward, for every cell, and the forget-gate products against the gate trace of the readable step.
import * as assert from 'node:assert/strict';
import type { ModelConfig } from '../../../src/model/config';
import { CELL_TYPES } from '../../../src/model/cells/cell';
import { CellScratch, cellStep } from '../../../src/model/cells/cellStep';
import { memorySpan, netOf, windowGrad, windowLogProb } from '../../../src/model/lab/memorySpan';
import { stateSize, stepWeights } from '../../../src/model/lstm';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';
import { randomWeights } from '../model/helpers';

const V = 6;

describe('lab/memorySpan', () => {
  for (const cell of CELL_TYPES) {
    it(`${cell}: ∂ log p / ∂ x_t matches central differences (2 layers)`, () => {
      const cfg: ModelConfig = { hiddenSize: 4, layers: 2, embeddingSize: 3, maxVocab: V, cell };
      const net = netOf(randomWeights(cfg, V, 13, 0.9));
      const T = 6;
      const X = Array.from({ length: T }, (_, t) => Float64Array.from({ length: 3 }, (_, e) => Math.sin(t * 3 + e)));
      const start = Float64Array.from({ length: 2 * 2 * 4 }, (_, k) => 0.3 * Math.cos(k));
      const y = 4;
      const { logp, dX } = windowGrad(net, X, start, y);
      assert.ok(Math.abs(logp - windowLogProb(net, X, start, y)) < 1e-12);
      const eps = 1e-6;
      let worst = 0;
      let scale = 0;
      for (let t = 0; t < T; t++)
        for (let e = 0; e < 3; e++) {
          const keep = X[t][e];
          X[t][e] = keep + eps;
          const up = windowLogProb(net, X, start, y);
          X[t][e] = keep - eps;
          const down = windowLogProb(net, X, start, y);
          X[t][e] = keep;
          const num = (up - down) / (2 * eps);
          worst = Math.max(worst, Math.abs(num - dX[t][e]));
          scale = Math.max(scale, Math.abs(num));
        }
      console.log(
        `      [${cell}] ${T * 3} input gradients, max |analytic − numeric| ${worst.toExponential(2)} (largest ${scale.toExponential(2)})`,
      );
      assert.ok(worst < 1e-7 && scale > 1e-4);
    });
  }

  it('forget products are running products of the traced keep gates; the RNN has none', () => {
    const text = 'function f(a) { return [a, "b"]; }\n';
    const doc = new TextDoc(text, 1);
    const vocab = Vocab.fromSymbols(doc.syms, 64);
    for (const cell of CELL_TYPES) {
      const cfg: ModelConfig = { hiddenSize: 5, layers: 1, embeddingSize: 4, maxVocab: 64, cell };
      const mw = randomWeights(cfg, vocab.size, 3, 0.7);
      const w = stepWeights(mw);
      const n = 20;
      const T = 8;
      const start = new Float32Array(stateSize(w));
      const s = new CellScratch(w);
      for (let p = 0; p < n - T; p++) cellStep(w, start, vocab.id(doc.syms[p]), s);
      const r = memorySpan(mw, vocab, doc, n, T, start);
      assert.equal(r.offsets.length, T + 1);
      assert.equal(r.offsets[0], n - T);
      assert.equal(r.gradNorm.length, T);
      assert.equal(r.target.token, text[n]);
      // Trace the same window with the readable step; keep row: f (lstm) / i = z (gru).
      const st = start.slice();
      const tr = [new Float32Array(T * 6 * 5)];
      for (let t = 0; t < T; t++) cellStep(w, st, vocab.id(doc.syms[n - T + t]), s, tr, t);
      const row = cell === 'lstm' ? 1 : 0;
      let worst = 0;
      for (let t = 0; t < T; t++)
        for (let k = 0; k < 5; k++) {
          let prod = 1;
          for (let q = t + 1; q < T; q++) prod *= tr[0][q * 30 + row * 5 + k];
          const want = cell === 'rnn' ? 0 : prod;
          worst = Math.max(worst, Math.abs(r.forgetProductUnits[t * 5 + k] - want));
        }
      assert.ok(worst < 1e-5, `${cell}: ${worst}`);
      if (cell !== 'rnn') assert.ok(Math.abs(r.forgetProduct[T - 1] - 1) < 1e-6);
      assert.ok(r.gradNorm.every((g) => Number.isFinite(g) && g >= 0));
    }
  });
});
