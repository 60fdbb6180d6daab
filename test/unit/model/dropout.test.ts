// Output dropout (engine/dropout.ts): the mask is the documented hash, a helper's share of it is the same
// rows, the training pass with a mask matches a float64 reference (loss and every gradient), and an
// evaluation pass never drops anything.
import * as assert from 'node:assert/strict';
import { keeps, OutputDropout } from '../../../src/model/engine/dropout';
import { GruRnnGraph } from '../../../src/model/engine/gruRnnGraph';
import { LstmGraph } from '../../../src/model/engine/lstmGraph';
import type { ModelConfig } from '../../../src/model/config';
import { runSync } from '../../../src/model/trainer';
import { jsBackend, randomWeights, referenceLoss, wasmBackend } from './helpers';

const cfg: ModelConfig = { hiddenSize: 4, layers: 2, embeddingSize: 3, maxVocab: 5 };
const V = 5;
const B = 2;
const T = 4;

describe('model/dropout', () => {
  it('fills the mask from the reference hash, drops about the rate, and scales the kept units', () => {
    const d = new OutputDropout(0.25, 1337, 8, 16, 64);
    d.draw(42);
    let zeros = 0;
    for (let t = 0; t < 16; t++)
      for (let b = 0; b < 8; b++)
        for (let k = 0; k < 64; k++) {
          const m = d.mask[(t * 8 + b) * 64 + k];
          assert.equal(m, keeps(0.25, 1337, 42, t, b, k) ? Math.fround(1 / 0.75) : 0);
          if (m === 0) zeros++;
        }
    const frac = zeros / d.mask.length;
    console.log(`      dropped ${(100 * frac).toFixed(1)} % of ${d.mask.length} (rate 25 %)`);
    assert.ok(Math.abs(frac - 0.25) < 0.02, `dropped fraction ${frac}`);
    const next = new OutputDropout(0.25, 1337, 8, 16, 64);
    next.draw(43);
    assert.notDeepEqual(next.mask, d.mask, 'each step draws a new mask');
    const again = new OutputDropout(0.25, 1337, 8, 16, 64);
    again.draw(42);
    assert.deepEqual(again.mask, d.mask, 'same seed and step, same mask');
  });

  it("a helper owning the last streams draws exactly those streams' rows of the mask", () => {
    const whole = new OutputDropout(0.3, 7, 6, 5, 10);
    const first = new OutputDropout(0.3, 7, 4, 5, 10, 0);
    const last = new OutputDropout(0.3, 7, 2, 5, 10, 4);
    for (const d of [whole, first, last]) d.draw(9);
    for (let t = 0; t < 5; t++)
      for (let b = 0; b < 6; b++) {
        const [part, bb, Bp] = b < 4 ? [first, b, 4] : [last, b - 4, 2];
        assert.deepEqual(
          part.mask.subarray((t * Bp + bb) * 10, (t * Bp + bb + 1) * 10),
          whole.mask.subarray((t * 6 + b) * 10, (t * 6 + b + 1) * 10),
        );
      }
  });

  for (const which of ['wasm', 'js'] as const)
    it(`with a mask, loss and gradients match central differences of the float64 reference (${which})`, async () => {
      const backend = which === 'wasm' ? await wasmBackend() : jsBackend();
      const live = backend.arena.liveBuffers;
      const g = new LstmGraph(backend.arena, cfg, V, B, T);
      const w = randomWeights(cfg, V, 11);
      g.setWeights(w.data);
      for (let k = 0; k < T * B; k++) {
        g.inputs[k] = (k * 3 + 1) % V;
        g.targets[k] = (k * 7 + 2) % V;
      }
      g.dropout = new OutputDropout(0.5, 3, B, T, cfg.hiddenSize);
      g.dropout.draw(1);
      const mask = Float64Array.from(g.dropout.mask);
      assert.ok(mask.includes(0) && mask.includes(2), 'the mask both drops and keeps');
      const zero = () => new Float64Array(B * cfg.hiddenSize);
      const h0 = [zero(), zero()];
      const c0 = [zero(), zero()];
      const evalLoss = runSync(g.run(false));
      g.resetState();
      const loss = runSync(g.run(true));
      const params = Float64Array.from(w.data);
      const ref = (p: Float64Array, m?: Float64Array) => referenceLoss(cfg, V, p, g.inputs, g.targets, B, T, h0, c0, m);
      assert.ok(Math.abs(evalLoss - ref(params)) < 1e-5, 'evaluation (run(false)) applies no dropout');
      assert.ok(Math.abs(loss - ref(params, mask)) < 1e-5, `training loss ${loss} vs masked reference`);
      assert.ok(Math.abs(loss - evalLoss) > 1e-3, 'the mask changes the training loss');
      const grads = g.grads.v.slice();
      const eps = 1e-5;
      let maxDiff = 0;
      for (let k = 0; k < params.length; k++) {
        const keep = params[k];
        params[k] = keep + eps;
        const up = ref(params, mask);
        params[k] = keep - eps;
        const down = ref(params, mask);
        params[k] = keep;
        maxDiff = Math.max(maxDiff, Math.abs((up - down) / (2 * eps) - grads[k]));
      }
      console.log(
        `      [${which}] ${params.length} gradients with dropout 0.5: max abs diff ${maxDiff.toExponential(2)}`,
      );
      assert.ok(maxDiff < 1e-4, `gradient max abs diff ${maxDiff}`);
      g.dispose();
      assert.equal(backend.arena.liveBuffers, live, 'the dropped copies are freed with the graph');
    });

  it('the GRU and RNN graphs share the read-out: dropout in training passes only, buffers freed', async () => {
    const backend = await wasmBackend();
    for (const cell of ['gru', 'rnn'] as const) {
      const live = backend.arena.liveBuffers;
      const c: ModelConfig = { ...cfg, layers: 1, cell };
      const g = new GruRnnGraph(backend.arena, c, V, B, T);
      g.setWeights(randomWeights(c, V, 5).data);
      for (let k = 0; k < T * B; k++) {
        g.inputs[k] = (k * 3 + 1) % V;
        g.targets[k] = (k * 7 + 2) % V;
      }
      const plain = runSync(g.run(true));
      g.dropout = new OutputDropout(0.5, 3, B, T, c.hiddenSize);
      g.dropout.draw(1);
      g.resetState();
      const dropped = runSync(g.run(true));
      g.resetState();
      const evaluated = runSync(g.run(false));
      assert.notEqual(dropped, plain, `${cell}: the mask changes the training loss`);
      assert.ok(Math.abs(evaluated - plain) < 1e-6, `${cell}: evaluation ignores the mask`);
      g.dispose();
      assert.equal(backend.arena.liveBuffers, live, `${cell}: buffers freed`);
    }
  });
});
