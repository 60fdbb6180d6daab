// Sampling and interventions: the readable step with a clamp hook against a hand
// computation, against lstmStep without one, and the sampler's reproducibility.
import * as assert from 'node:assert/strict';
import type { ModelConfig } from '../../../src/model/config';
import { CellScratch, cellStep, type Clamp } from '../../../src/model/cells/cellStep';
import { generate } from '../../../src/model/lab/generate';
import { lstmStep, nextTokenProbs, stateSize, StepScratch, stepWeights } from '../../../src/model/lstm';
import { slice } from '../../../src/model/params';
import { Vocab } from '../../../src/model/vocab';
import { maxAbsDiff, randomWeights } from '../model/helpers';

const V = 5;
const vocab = new Vocab([97, 98, 99, 100]); // a b c d (+ unknown) = 5 classes
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function cfg(cell: 'lstm' | 'gru' | 'rnn', layers = 1): ModelConfig {
  return { hiddenSize: 3, layers, embeddingSize: 2, maxVocab: V, cell };
}

function startState(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => 0.4 * Math.sin(3 * k + 1));
}

describe('lab/cellStep and clamps', () => {
  it('without a clamp, agrees with lstmStep (2 layers, traces too)', () => {
    const w = stepWeights(randomWeights(cfg('lstm', 2), V, 3, 0.8));
    const a = startState(stateSize(w));
    const b = a.slice();
    const ta = [new Float32Array(6 * 3), new Float32Array(6 * 3)];
    const tb = [new Float32Array(6 * 3), new Float32Array(6 * 3)];
    const s1 = new StepScratch(w);
    const s2 = new CellScratch(w);
    let d = 0;
    for (const tok of [1, 4, 2, 0, 3]) {
      lstmStep(w, a, tok, s1, ta, 0);
      cellStep(w, b, tok, s2, tb, 0);
      d = Math.max(d, maxAbsDiff(a, b), maxAbsDiff(ta[0], tb[0]), maxAbsDiff(ta[1], tb[1]));
    }
    console.log(`      max |cellStep − lstmStep| ${d.toExponential(2)}`);
    assert.ok(d < 1e-6);
  });

  it('LSTM clamps match a hand computation of the gate equations', () => {
    const mw = randomWeights(cfg('lstm'), V, 5, 0.8);
    const w = stepWeights(mw);
    const H = 3;
    const emb = slice(mw, 'embedding');
    const Wx = slice(mw, 'lstm0.kernel');
    const Wh = slice(mw, 'lstm0.recurrentKernel');
    const bias = slice(mw, 'lstm0.bias');
    const s0 = startState(2 * H);
    const tok = 2;
    // z = Emb[tok]·Wx + h·Wh + b, by hand in float64
    const z = Array.from({ length: 4 * H }, (_, j) => {
      let s = bias[j];
      for (let e = 0; e < 2; e++) s += emb[tok * 2 + e] * Wx[e * 4 * H + j];
      for (let k = 0; k < H; k++) s += s0[k] * Wh[k * 4 * H + j];
      return s;
    });
    const hand = (clamp: (k: number, gate: string, v: number) => number) =>
      Array.from({ length: H }, (_, k) => {
        const i = clamp(k, 'i', sig(z[k]));
        const f = clamp(k, 'f', sig(z[H + k]));
        const g = Math.tanh(z[2 * H + k]);
        const o = clamp(k, 'o', sig(z[3 * H + k]));
        const c = clamp(k, 'c', f * s0[H + k] + i * g);
        const h = clamp(k, 'h', o * Math.tanh(c));
        return { c, h };
      });
    const cases: Clamp[] = [
      { layer: 0, unit: 1, target: 'f', value: 0 },
      { layer: 0, unit: null, target: 'f', value: 1 },
      { layer: 0, unit: 0, target: 'i', value: 0 },
      { layer: 0, unit: 2, target: 'o', value: 0 },
      { layer: 0, unit: null, target: 'c', value: 0.5 },
      { layer: 0, unit: 1, target: 'h', value: -0.25 },
    ];
    let worst = 0;
    for (const cl of cases) {
      const st = s0.slice();
      cellStep(w, st, tok, new CellScratch(w), undefined, 0, cl);
      const want = hand((k, gate, v) => (gate === cl.target && (cl.unit === null || cl.unit === k) ? cl.value : v));
      for (let k = 0; k < H; k++) {
        worst = Math.max(worst, Math.abs(st[k] - want[k].h), Math.abs(st[H + k] - want[k].c));
      }
      if (cl.target === 'f' && cl.value === 0) assert.ok(Math.abs(st[H + 1] - want[1].c) < 1e-6);
    }
    console.log(`      ${cases.length} clamps, max |cellStep − hand| ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-6);
  });

  it('GRU: forcing the keep gate z (row i) to 1 keeps h; RNN: clamping h sets it', () => {
    const g = stepWeights(randomWeights(cfg('gru'), V, 9, 0.8));
    const st = startState(stateSize(g));
    const before = st.slice();
    cellStep(g, st, 3, new CellScratch(g), undefined, 0, { layer: 0, unit: null, target: 'i', value: 1 });
    assert.ok(maxAbsDiff(st.subarray(0, 3), before.subarray(0, 3)) < 1e-7);
    const r = stepWeights(randomWeights(cfg('rnn'), V, 9, 0.8));
    const rs = startState(stateSize(r));
    cellStep(r, rs, 3, new CellScratch(r), undefined, 0, { layer: 0, unit: 2, target: 'h', value: 0.75 });
    assert.equal(rs[2], 0.75);
  });
});

describe('lab/generate', () => {
  const mw = randomWeights(cfg('lstm'), V, 21, 1.5);
  const w = stepWeights(mw);
  const before = startState(stateSize(w));

  it('is reproducible with a seed and greedy at temperature 0', () => {
    const a = generate(w, vocab, before, 2, { length: 40, temperature: 1, seed: 7, topK: 3 });
    const b = generate(w, vocab, before, 2, { length: 40, temperature: 1, seed: 7, topK: 3 });
    const c = generate(w, vocab, before, 2, { length: 40, temperature: 1, seed: 8, topK: 3 });
    assert.equal(a.text, b.text);
    assert.equal(a.ids.length, 40);
    assert.notEqual(a.text, c.text);
    assert.equal(a.top.length, 3);
    // Greedy, by hand with the reference LSTM step.
    const g = generate(w, vocab, before, 2, { length: 12, temperature: 0, seed: 1, topK: 1 });
    const st = before.slice();
    const s = new StepScratch(w);
    const p = new Float32Array(V);
    lstmStep(w, st, 2, s);
    const ids: number[] = [];
    for (let k = 0; k < 12; k++) {
      nextTokenProbs(w, st, p);
      let best = 0;
      for (let v = 1; v < V; v++) if (p[v] > p[best]) best = v;
      ids.push(best);
      lstmStep(w, st, best, s);
    }
    assert.deepEqual(g.ids, ids);
  });

  it('an intervention changes the distribution at the cursor; zero steps change nothing', () => {
    const base = generate(w, vocab, before, 2, { length: 30, temperature: 1, seed: 3, topK: V });
    const none = generate(w, vocab, before, 2, {
      length: 30,
      temperature: 1,
      seed: 3,
      topK: V,
      clamp: { layer: 0, unit: null, target: 'h', value: 1 },
      clampSteps: 0,
    });
    assert.deepEqual(none, base);
    const clamped = generate(w, vocab, before, 2, {
      length: 30,
      temperature: 1,
      seed: 3,
      topK: V,
      clamp: { layer: 0, unit: null, target: 'o', value: 0 },
      clampSteps: 5,
    });
    // o = 0 makes h = 0: the distribution at the cursor is softmax(by).
    const by = slice(mw, 'output.bias');
    const max = Math.max(...by);
    const sum = [...by].reduce((a, x) => a + Math.exp(x - max), 0);
    for (const t of clamped.top) {
      const id = vocab.symbols.indexOf(t.token.codePointAt(0)!) + 1;
      assert.ok(Math.abs(t.prob - Math.exp(by[id] - max) / sum) < 1e-6);
    }
    assert.notDeepEqual(clamped.top, base.top);
  });
});
