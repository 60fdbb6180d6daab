// Cell types: GRU and RNN parity with tf.layers.gru (resetAfter false, sigmoid) and
// tf.layers.simpleRNN on the batched graph, the readable step and the StepEngine; their backward passes
// against central differences of a float64 reference; training, prediction traces, persistence, and no
// leaked buffers.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../../src/model/config';
import { GruRnnGraph } from '../../../src/model/engine/gruRnnGraph';
import { CellScratch, cellStep, nextTokenLogits, softmaxT } from '../../../src/model/cells/cellStep';
import { Predictor } from '../../../src/model/inference';
import { netOf, windowLogProb } from '../../../src/model/lab/memorySpan';
import { stateSize, stepWeights } from '../../../src/model/lstm';
import { initWeights, slice, type ModelWeights } from '../../../src/model/params';
import { loadModel, saveModel } from '../../../src/model/persist';
import { StepEngine } from '../../../src/model/stepEngine';
import { TextDoc } from '../../../src/model/textDoc';
import { runSync, Trainer } from '../../../src/model/trainer';
import { Vocab } from '../../../src/model/vocab';
import { jsBackend, maxAbsDiff, randomWeights, wasmBackend } from '../model/helpers';

const B = 3;
const T = 7;
const V = 11;

for (const cell of ['gru', 'rnn'] as const) {
  for (const layers of [1, 2]) {
    describe(`lab/cells parity: ${cell}, ${layers} layer${layers > 1 ? 's' : ''}`, () => {
      it(`matches tf.layers.${cell === 'gru' ? 'gru' : 'simpleRNN'} + dense softmax within 1e-5`, async () => {
        const backend = await wasmBackend();
        const cfg: ModelConfig = { hiddenSize: 8, layers, embeddingSize: 5, maxVocab: V, cell };
        const H = 8;
        const E = 5;
        const G = cell === 'gru' ? 3 : 1;
        const w = randomWeights(cfg, V, 17, 0.8);
        const tokens = Int32Array.from({ length: B * T }, (_, k) => (k * 5 + 3) % V);
        const before = tf.memory().numTensors;
        const emb = slice(w, 'embedding');
        const x = new Float32Array(B * T * E);
        for (let k = 0; k < B * T; k++) x.set(emb.subarray(tokens[k] * E, (tokens[k] + 1) * E), k * E);
        const model = tf.sequential();
        for (let l = 0; l < layers; l++) {
          const common = {
            units: H,
            returnSequences: true,
            recurrentInitializer: 'glorotUniform' as const,
            ...(l === 0 ? { inputShape: [T, E] } : {}),
          };
          model.add(
            cell === 'gru'
              ? tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' }) // tfjs has only reset_after = false
              : tf.layers.simpleRNN(common),
          );
        }
        model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
        const weights: tf.Tensor[] = [];
        for (let l = 0; l < layers; l++) {
          weights.push(tf.tensor2d(slice(w, `${cell}${l}.kernel`), [l === 0 ? E : H, G * H]));
          weights.push(tf.tensor2d(slice(w, `${cell}${l}.recurrentKernel`), [H, G * H]));
          weights.push(tf.tensor1d(slice(w, `${cell}${l}.bias`)));
        }
        weights.push(tf.tensor2d(slice(w, 'output.kernel'), [H, V]), tf.tensor1d(slice(w, 'output.bias')));
        model.setWeights(weights);
        tf.dispose(weights);
        const kerasP = tf.tidy(() => (model.predict(tf.tensor3d(x, [B, T, E])) as tf.Tensor).dataSync().slice());
        const trunk = tf.model({ inputs: model.inputs, outputs: model.layers[layers - 1].output as tf.SymbolicTensor });
        const kerasH = tf.tidy(() => (trunk.predict(tf.tensor3d(x, [B, T, E])) as tf.Tensor).dataSync().slice());
        model.dispose();
        assert.equal(tf.memory().numTensors, before, 'no tf tensors leaked by the reference');

        const live = backend.arena.liveBuffers;
        const g = new GruRnnGraph(backend.arena, cfg, V, B, T);
        g.setWeights(w.data);
        for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) g.inputs[t * B + b] = tokens[b * T + t];
        runSync(g.run(false));
        const ours = g.outputs();
        const graphH = new Float32Array(B * T * H);
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++) graphH.set(ours.subarray((t * B + b) * H, (t * B + b + 1) * H), (b * T + t) * H);
        g.dispose();
        assert.equal(backend.arena.liveBuffers, live, 'the graph frees every buffer');

        const sw = stepWeights(w);
        const s = new CellScratch(sw);
        const engine = new StepEngine(sw, backend.arena);
        const stepH = new Float32Array(B * T * H);
        const fastH = new Float32Array(B * T * H);
        const stepP = new Float32Array(B * T * V);
        const fastP = new Float32Array(B * T * V);
        const lg = new Float32Array(V);
        const pr = new Float32Array(V);
        const top = (layers - 1) * 2 * H;
        for (let b = 0; b < B; b++) {
          const st = new Float32Array(stateSize(sw));
          const fs = new Float32Array(stateSize(sw));
          for (let t = 0; t < T; t++) {
            cellStep(sw, st, tokens[b * T + t], s);
            engine.step(fs, tokens[b * T + t]);
            stepH.set(st.subarray(top, top + H), (b * T + t) * H);
            fastH.set(fs.subarray(top, top + H), (b * T + t) * H);
            stepP.set(softmaxT(nextTokenLogits(sw, st, lg), 1), (b * T + t) * V);
            fastP.set(engine.probs(fs, pr), (b * T + t) * V);
          }
        }
        engine.dispose();
        const dG = maxAbsDiff(graphH, kerasH);
        const dS = maxAbsDiff(stepH, kerasH);
        const dF = maxAbsDiff(fastH, kerasH);
        const dP = Math.max(maxAbsDiff(stepP, kerasP), maxAbsDiff(fastP, kerasP));
        console.log(
          `      max |h − keras h|: graph ${dG.toExponential(2)}, step ${dS.toExponential(2)}, engine ${dF.toExponential(2)}; max |p − keras p| ${dP.toExponential(2)}`,
        );
        assert.ok(dG < 1e-5 && dS < 1e-5 && dF < 1e-5 && dP < 1e-5);
      });
    });
  }
}

/** Float64 mean cross-entropy of a (T,B) window via the memory-span forward (prefix by prefix). */
function referenceLoss(
  cfg: ModelConfig,
  params: Float64Array,
  inputs: Int32Array,
  targets: Int32Array,
  b: number,
  t: number,
  h0: Float64Array[],
): number {
  const Vs = cfg.maxVocab;
  const mw = {
    config: cfg,
    vocabSize: Vs,
    specs: randomWeights(cfg, Vs, 0).specs,
    data: params,
  } as unknown as ModelWeights;
  const net = netOf(mw);
  const H = cfg.hiddenSize;
  let loss = 0;
  for (let s = 0; s < b; s++) {
    const start = new Float64Array(cfg.layers * 2 * H);
    for (let l = 0; l < cfg.layers; l++) start.set(h0[l].subarray(s * H, (s + 1) * H), l * 2 * H);
    const X: Float64Array[] = [];
    for (let k = 0; k < t; k++) {
      const id = inputs[k * b + s];
      X.push(net.emb.slice(id * cfg.embeddingSize, (id + 1) * cfg.embeddingSize));
      loss -= windowLogProb(net, X, start, targets[k * b + s]);
    }
  }
  return loss / (b * t);
}

describe('lab/cells gradients', () => {
  for (const cell of ['gru', 'rnn'] as const)
    for (const which of ['wasm', 'js'] as const)
      it(`${cell}: analytic gradients match central differences (${which}, 2 layers, carried state)`, async () => {
        const cfg: ModelConfig = { hiddenSize: 4, layers: 2, embeddingSize: 3, maxVocab: 5, cell };
        const Vs = 5;
        const Bs = 2;
        const Ts = 4;
        const backend = which === 'wasm' ? await wasmBackend() : jsBackend();
        const g = new GruRnnGraph(backend.arena, cfg, Vs, Bs, Ts);
        const w = randomWeights(cfg, Vs, 7);
        g.setWeights(w.data);
        for (let k = 0; k < Ts * Bs; k++) {
          g.inputs[k] = (k * 3 + 1) % Vs;
          g.targets[k] = (k * 7 + 2) % Vs;
        }
        const h0: Float64Array[] = [];
        for (let l = 0; l < 2; l++) {
          const h = g.carried(l).h;
          for (let k = 0; k < h.length; k++) h[k] = 0.3 * Math.sin(k + l);
          h0.push(Float64Array.from(h));
        }
        const loss = runSync(g.run(true));
        const params = Float64Array.from(w.data);
        const ref = referenceLoss(cfg, params, g.inputs, g.targets, Bs, Ts, h0);
        const grads = g.grads.v.slice();
        const eps = 1e-5;
        let worst = 0;
        for (let k = 0; k < params.length; k++) {
          const keep = params[k];
          params[k] = keep + eps;
          const up = referenceLoss(cfg, params, g.inputs, g.targets, Bs, Ts, h0);
          params[k] = keep - eps;
          const down = referenceLoss(cfg, params, g.inputs, g.targets, Bs, Ts, h0);
          params[k] = keep;
          worst = Math.max(worst, Math.abs((up - down) / (2 * eps) - grads[k]));
        }
        console.log(
          `      [${cell} ${which}] loss diff ${Math.abs(loss - ref).toExponential(2)}; ${params.length} gradients, max abs diff ${worst.toExponential(2)}`,
        );
        assert.ok(Math.abs(loss - ref) < 1e-5);
        assert.ok(worst < 1e-4, `gradient max abs diff ${worst}`);
        g.dispose();
      });
});

describe('lab/cells in the engine', () => {
  const text = 'if (a) { b = [c, "d"]; }\n'.repeat(40);
  const doc = new TextDoc(text, 1);
  const vocab = Vocab.fromSymbols(doc.syms, 64);

  for (const cell of ['gru', 'rnn'] as const)
    it(`${cell}: trains (loss falls), predicts with a 6-row trace, saves and loads; buffers flat`, async () => {
      const backend = await wasmBackend();
      const model: ModelConfig = { hiddenSize: 12, layers: 1, embeddingSize: 6, maxVocab: 64, cell };
      const live = backend.arena.liveBuffers;
      const tr = new Trainer({
        model,
        training: {
          seqLength: 16,
          batchSize: 4,
          learningRate: 1e-2,
          clipNorm: 5,
          timeBudgetSec: 0,
          maxEpochs: 0,
          heldOutFraction: 0.1,
          seed: 1,
          dropout: 0,
          patience: 0,
          backend: 'wasm',
        },
        arena: backend.arena,
        ids: vocab.ids(doc.syms),
        vocabSize: vocab.size,
      });
      const first = runSync(tr.trainStep()).loss;
      let last = first;
      for (let k = 0; k < 60; k++) last = runSync(tr.trainStep()).loss;
      const bpc = runSync(tr.evaluate());
      const w = tr.weights();
      tr.dispose();
      console.log(`      [${cell}] loss ${first.toFixed(3)} → ${last.toFixed(3)}, held-out ${bpc?.toFixed(3)} bpc`);
      assert.ok(last < first * 0.8);
      const p = Predictor.from(w, vocab, undefined, backend.arena);
      const pr = p.predict(doc, 300, 3, 10);
      assert.equal(pr.trace[0].values.length, 10 * 6 * 12);
      const o = pr.trace[0].values.subarray(3 * 12, 4 * 12); // row o is zeros for gru and rnn
      assert.ok(o.every((x) => x === 0));
      const h = pr.trace[0].values.subarray(5 * 12, 6 * 12);
      assert.deepEqual([...pr.trace[0].values.subarray(4 * 12, 5 * 12)], [...h]); // c = h
      const saved = saveModel(w, vocab, text);
      const loaded = loadModel(saved.json, saved.weights);
      assert.equal(loaded.weights.config.cell, cell);
      const q = Predictor.from(loaded.weights, loaded.vocab, undefined, backend.arena);
      assert.deepEqual(q.predict(doc, 300, 3, 10), pr);
      p.dispose();
      q.dispose();
      assert.equal(backend.arena.liveBuffers, live, 'trainer and predictors free every buffer');
    });

  it('a saved model without a cell field loads as an LSTM', () => {
    const model: ModelConfig = { hiddenSize: 4, layers: 1, embeddingSize: 3, maxVocab: 64 };
    const w = initWeights(model, vocab.size, 2);
    const saved = saveModel(w, vocab, text);
    const j = JSON.parse(saved.json) as { model: Record<string, unknown> };
    delete j.model.cell;
    const loaded = loadModel(JSON.stringify(j), saved.weights);
    assert.equal(loaded.weights.config.cell, 'lstm');
    assert.ok(loaded.weights.specs.some((s) => s.name === 'lstm0.kernel'));
  });
});
