// Finite-difference check of the hand-written backward pass, on a tiny 2-layer model, both arenas.
import * as assert from 'node:assert/strict';
import { LstmGraph } from '../../../src/model/engine/lstmGraph';
import { runSync } from '../../../src/model/trainer';
import type { ModelConfig } from '../../../src/model/config';
import { jsBackend, randomWeights, referenceLoss, wasmBackend } from './helpers';

const cfg: ModelConfig = { hiddenSize: 4, layers: 2, embeddingSize: 3, maxVocab: 5 };
const V = 5;
const B = 2;
const T = 4;

describe('model/gradient', () => {
  for (const which of ['wasm', 'js'] as const) {
    it(`analytic gradients match central differences of a float64 reference (${which})`, async () => {
      const backend = which === 'wasm' ? await wasmBackend() : jsBackend();
      const g = new LstmGraph(backend.arena, cfg, V, B, T);
      const w = randomWeights(cfg, V, 7);
      g.setWeights(w.data);
      for (let k = 0; k < T * B; k++) {
        g.inputs[k] = (k * 3 + 1) % V;
        g.targets[k] = (k * 7 + 2) % V;
      }
      // A non-zero carried-in state, as in the middle of a document.
      const h0: Float64Array[] = [];
      const c0: Float64Array[] = [];
      for (let l = 0; l < cfg.layers; l++) {
        const s = g.carried(l);
        for (let k = 0; k < s.h.length; k++) {
          s.h[k] = 0.3 * Math.sin(k + l);
          s.c[k] = 0.5 * Math.cos(k * 2 + l);
        }
        h0.push(Float64Array.from(s.h));
        c0.push(Float64Array.from(s.c));
      }
      const loss = runSync(g.run(true));
      const params = Float64Array.from(w.data);
      const ref = referenceLoss(cfg, V, params, g.inputs, g.targets, B, T, h0, c0);
      const grads = g.grads.v.slice();
      const eps = 1e-5;
      let maxDiff = 0;
      let maxRel = 0;
      for (let k = 0; k < params.length; k++) {
        const keep = params[k];
        params[k] = keep + eps;
        const up = referenceLoss(cfg, V, params, g.inputs, g.targets, B, T, h0, c0);
        params[k] = keep - eps;
        const down = referenceLoss(cfg, V, params, g.inputs, g.targets, B, T, h0, c0);
        params[k] = keep;
        const numeric = (up - down) / (2 * eps);
        const d = Math.abs(numeric - grads[k]);
        maxDiff = Math.max(maxDiff, d);
        maxRel = Math.max(maxRel, d / Math.max(1e-3, Math.abs(numeric) + Math.abs(grads[k])));
      }
      console.log(
        `      [${which}] loss ${loss.toFixed(6)} vs reference ${ref.toFixed(6)} (diff ${Math.abs(loss - ref).toExponential(2)}); ` +
          `${params.length} gradients, max abs diff ${maxDiff.toExponential(2)}, max rel ${maxRel.toExponential(2)}`,
      );
      assert.ok(Math.abs(loss - ref) < 1e-5, 'forward loss matches the reference');
      assert.ok(maxDiff < 1e-4, `gradient max abs diff ${maxDiff}`);
      g.dispose();
    });
  }
});
