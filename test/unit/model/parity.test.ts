// Parity: the same weights in tf.layers.lstm (recurrentActivation 'sigmoid', Keras gate order i,f,c,o)
// and in both of our paths (batched training graph, single-step inference) give the same outputs.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../../src/model/config';
import { lstmStep, nextTokenProbs, stateSize, StepScratch, stepWeights } from '../../../src/model/lstm';
import { LstmGraph } from '../../../src/model/engine/lstmGraph';
import { slice } from '../../../src/model/params';
import { runSync } from '../../../src/model/trainer';
import { StepEngine } from '../../../src/model/stepEngine';
import { maxAbsDiff, randomWeights, wasmBackend } from './helpers';

const B = 3;
const T = 7;
const V = 11;

for (const layers of [1, 2]) {
  describe(`model/parity (${layers} layer${layers > 1 ? 's' : ''})`, () => {
    it('matches tf.layers.lstm + dense softmax within 1e-5', async () => {
      const backend = await wasmBackend();
      const cfg: ModelConfig = { hiddenSize: 8, layers, embeddingSize: 5, maxVocab: V };
      const H = cfg.hiddenSize;
      const E = cfg.embeddingSize;
      const w = randomWeights(cfg, V, 11, 0.8);
      const tokens = Int32Array.from({ length: B * T }, (_, k) => (k * 5 + 3) % V); // (B,T) batch-major here
      const before = tf.memory().numTensors;

      // Keras: embeddings gathered in JS → lstm(s) → dense softmax.
      const emb = slice(w, 'embedding');
      const x = new Float32Array(B * T * E);
      for (let k = 0; k < B * T; k++) x.set(emb.subarray(tokens[k] * E, (tokens[k] + 1) * E), k * E);
      const model = tf.sequential();
      for (let l = 0; l < layers; l++)
        model.add(
          tf.layers.lstm({
            units: H,
            returnSequences: true,
            recurrentActivation: 'sigmoid',
            recurrentInitializer: 'glorotUniform',
            ...(l === 0 ? { inputShape: [T, E] } : {}),
          }),
        );
      model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
      const weights: tf.Tensor[] = [];
      for (let l = 0; l < layers; l++) {
        const In = l === 0 ? E : H;
        weights.push(tf.tensor2d(slice(w, `lstm${l}.kernel`), [In, 4 * H]));
        weights.push(tf.tensor2d(slice(w, `lstm${l}.recurrentKernel`), [H, 4 * H]));
        weights.push(tf.tensor1d(slice(w, `lstm${l}.bias`)));
      }
      weights.push(tf.tensor2d(slice(w, 'output.kernel'), [H, V]), tf.tensor1d(slice(w, 'output.bias')));
      model.setWeights(weights);
      tf.dispose(weights);
      const kerasProbs = tf.tidy(() => (model.predict(tf.tensor3d(x, [B, T, E])) as tf.Tensor).dataSync().slice());
      // The top LSTM layer's sequence output, from a model that stops there.
      const trunk = tf.model({ inputs: model.inputs, outputs: model.layers[layers - 1].output as tf.SymbolicTensor });
      const kerasH = tf.tidy(() => (trunk.predict(tf.tensor3d(x, [B, T, E])) as tf.Tensor).dataSync().slice());
      model.dispose();
      assert.equal(tf.memory().numTensors, before, 'no tf tensors leaked by the reference');

      // Ours, batched (rows time-major t*B + b).
      const g = new LstmGraph(backend.arena, cfg, V, B, T);
      g.setWeights(w.data);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) g.inputs[t * B + b] = tokens[b * T + t];
      runSync(g.run(false));
      const ours = g.outputs();
      const oursBatchMajor = new Float32Array(B * T * H);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++)
          oursBatchMajor.set(ours.subarray((t * B + b) * H, (t * B + b + 1) * H), (b * T + t) * H);
      const dGraph = maxAbsDiff(oursBatchMajor, kerasH);
      g.dispose();

      // Ours, one step at a time (inference path) with probabilities.
      const sw = stepWeights(w);
      const scratch = new StepScratch(sw);
      const probs = new Float32Array(V);
      const stepH = new Float32Array(B * T * H);
      const stepP = new Float32Array(B * T * V);
      const fastH = new Float32Array(B * T * H);
      const fastP = new Float32Array(B * T * V);
      const engine = new StepEngine(sw, backend.arena); // the fast path cursor inference uses
      for (let b = 0; b < B; b++) {
        const state = new Float32Array(stateSize(sw));
        const fast = new Float32Array(stateSize(sw));
        for (let t = 0; t < T; t++) {
          lstmStep(sw, state, tokens[b * T + t], scratch);
          engine.step(fast, tokens[b * T + t]);
          const top = (layers - 1) * 2 * H;
          stepH.set(state.subarray(top, top + H), (b * T + t) * H);
          fastH.set(fast.subarray(top, top + H), (b * T + t) * H);
          stepP.set(nextTokenProbs(sw, state, probs), (b * T + t) * V);
          fastP.set(engine.probs(fast, probs), (b * T + t) * V);
        }
      }
      engine.dispose();
      const dStep = maxAbsDiff(stepH, kerasH);
      const dFast = maxAbsDiff(fastH, kerasH);
      const dProb = Math.max(maxAbsDiff(stepP, kerasProbs), maxAbsDiff(fastP, kerasProbs));
      console.log(
        `      max |h − keras h|: graph ${dGraph.toExponential(2)}, JS step ${dStep.toExponential(2)}, wasm step ${dFast.toExponential(2)}; ` +
          `max |p − keras p| ${dProb.toExponential(2)}`,
      );
      assert.ok(dGraph < 1e-5 && dStep < 1e-5 && dFast < 1e-5 && dProb < 1e-5);
    });
  });
}
