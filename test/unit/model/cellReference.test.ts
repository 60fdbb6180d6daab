// The readable reference cells (cells/lstm.ts, gru.ts, rnn.ts) against the fast paths, llm.c style: random
// weights and inputs, a tight tolerance, and the max absolute difference printed.
import * as assert from 'node:assert/strict';
import { cellFor } from '../../../src/model/cells/cellFor';
import type { CellType, Vec } from '../../../src/model/cells/cell';
import { CellScratch, cellStep, nextTokenLogits, softmaxT } from '../../../src/model/cells/cellStep';
import type { ModelConfig } from '../../../src/model/config';
import { GruRnnGraph } from '../../../src/model/engine/gruRnnGraph';
import { LstmGraph } from '../../../src/model/engine/lstmGraph';
import { stateSize, stepWeights } from '../../../src/model/lstm';
import { slice, type ModelWeights } from '../../../src/model/params';
import { StepEngine } from '../../../src/model/stepEngine';
import { runSync } from '../../../src/model/trainer';
import { maxAbsDiff, randomWeights, wasmBackend } from './helpers';

const B = 2;
const T = 9;
const V = 13;
const H = 8;
const E = 5;
const L = 2;

const config = (cell: CellType): ModelConfig => ({ hiddenSize: H, layers: L, embeddingSize: E, maxVocab: V, cell });
const tokenAt = (b: number, t: number) => (b * 7 + t * 5 + 2) % V;

/** Top-layer h, (T·B, H) time-major, of the reference cells stepped layer by layer in float32 or float64. */
function referenceH(w: ModelWeights, cell: CellType, make: (n: number) => Vec): Vec {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const GH = G * H;
  const copy = (x: Float32Array) => {
    const v = make(x.length);
    v.set(x);
    return v;
  };
  const emb = copy(slice(w, 'embedding'));
  const layers = Array.from({ length: L }, (_, l) => ({
    Wx: copy(slice(w, `${cell}${l}.kernel`)),
    b: copy(slice(w, `${cell}${l}.bias`)),
    cell: cellFor(cell, H, copy(slice(w, `${cell}${l}.recurrentKernel`))),
  }));
  const out = make(T * B * H);
  const a = make(GH);
  for (let b = 0; b < B; b++) {
    const state = make(L * 2 * H);
    for (let t = 0; t < T; t++) {
      for (let l = 0; l < L; l++) {
        const ly = layers[l];
        const x = l === 0 ? emb.subarray(tokenAt(b, t) * E, (tokenAt(b, t) + 1) * E) : state.subarray((l - 1) * 2 * H);
        const In = l === 0 ? E : H;
        a.set(ly.b); // a = x·Wx + b, then the cell adds h·Wh
        for (let k = 0; k < In; k++) for (let j = 0; j < GH; j++) a[j] += x[k] * ly.Wx[k * GH + j];
        ly.cell.step(a, state, l * 2 * H, null, null, 0);
      }
      out.set(state.subarray((L - 1) * 2 * H, (L - 1) * 2 * H + H), (t * B + b) * H);
    }
  }
  return out;
}

describe('model/cell references against the fast paths', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: the reference Cell (float32 and float64) matches the engine graph's forward within 1e-5`, async () => {
      const backend = await wasmBackend();
      const cfg = config(cell);
      const w = randomWeights(cfg, V, cell.length * 31 + 5, 0.8);
      const live = backend.arena.liveBuffers;
      const g =
        cell === 'lstm' ? new LstmGraph(backend.arena, cfg, V, B, T) : new GruRnnGraph(backend.arena, cfg, V, B, T);
      g.setWeights(w.data);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) g.inputs[t * B + b] = tokenAt(b, t);
      runSync(g.run(false));
      const graphH = g.outputs().slice();
      g.dispose();
      assert.equal(backend.arena.liveBuffers, live, 'the graph frees every buffer');
      assert.ok(Math.max(...graphH.map(Math.abs)) > 0.1, 'the states are not vacuously small');
      const d32 = maxAbsDiff(
        referenceH(w, cell, (n) => new Float32Array(n)),
        graphH,
      );
      const d64 = maxAbsDiff(
        referenceH(w, cell, (n) => new Float64Array(n)),
        graphH,
      );
      console.log(`      max |h_ref − h_graph|: float32 ${d32.toExponential(2)}, float64 ${d64.toExponential(2)}`);
      assert.ok(d32 < 1e-5 && d64 < 1e-5);
    });
  }

  it("lstm: the reference Cell's six rows and next-token probabilities match StepEngine's within 1e-5", async () => {
    const backend = await wasmBackend();
    const sw = stepWeights(randomWeights(config('lstm'), V, 77, 0.8));
    const s = new CellScratch(sw);
    const engine = new StepEngine(sw, backend.arena);
    const ref = Array.from({ length: L }, () => new Float32Array(T * 6 * H));
    const fast = Array.from({ length: L }, () => new Float32Array(T * 6 * H));
    const st = new Float32Array(stateSize(sw));
    const fs = new Float32Array(stateSize(sw));
    const lg = new Float32Array(V);
    const pr = new Float32Array(V);
    let dP = 0;
    for (let t = 0; t < T; t++) {
      cellStep(sw, st, tokenAt(0, t), s, ref, t);
      engine.step(fs, tokenAt(0, t), fast, t);
      dP = Math.max(dP, maxAbsDiff(softmaxT(nextTokenLogits(sw, st, lg), 1), engine.probs(fs, pr)));
    }
    engine.dispose();
    const dRows = Math.max(...ref.map((r, l) => maxAbsDiff(r, fast[l])));
    const dState = maxAbsDiff(st, fs);
    console.log(
      `      max |ref − StepEngine|: rows i,f,g,o,c,h ${dRows.toExponential(2)}, state ${dState.toExponential(2)}, p ${dP.toExponential(2)}`,
    );
    assert.ok(dRows < 1e-5 && dState < 1e-5 && dP < 1e-5);
  });
});
