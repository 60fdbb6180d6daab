// The SIMD kernels (engine/kernels.wat) against the JS loops they replace, llm.c style: the same inputs through
// both (LSTM, GRU and RNN graphs, and the array kernels), the largest difference printed. Gate kernels work in f32 where the loops round through f64, so those
// agree to float rounding; the copies and sums (transpose, row adds) are the same floats exactly.
import * as assert from 'node:assert/strict';
import type { Arena } from '../../../src/model/arena';
import type { ModelConfig } from '../../../src/model/config';
import { GruRnnGraph } from '../../../src/model/engine/gruRnnGraph';
import { LstmGraph } from '../../../src/model/engine/lstmGraph';
import { columnSums, scatterAddRows, transpose } from '../../../src/model/engine/ops';
import { ADAM, adamStep, globalNorm, runSync } from '../../../src/model/trainer';
import { maxAbsDiff, randomWeights, wasmBackend } from './helpers';

const V = 13;

function filled(arena: Arena, n: number, seed: number, scale = 1) {
  const b = arena.alloc(n);
  let s = seed >>> 0;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    b.v[k] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return b;
}

/** Largest |a − b| relative to the largest |b| (so a check reads the same for losses and tiny gradients). */
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-30, ...Array.from(b, Math.abs));

describe('model/kernels (SIMD kernels vs the JS loops)', () => {
  it('loads on the wasm back-end', async () => {
    const { arena } = await wasmBackend();
    assert.ok(arena.kernels, 'the wasm arena has its SIMD kernels');
  });

  for (const [rows, cols] of [
    [8, 12],
    [7, 5],
    [64, 32],
    [36, 8],
    [1024, 20],
  ])
    it(`transpose (${rows},${cols}) is the same floats`, async () => {
      const { arena } = await wasmBackend();
      const k = arena.kernels!;
      const src = filled(arena, rows * cols, rows + cols);
      const dst = arena.alloc(rows * cols);
      const want = new Float32Array(rows * cols);
      transpose(src.v, want, rows, cols);
      k.transpose(src.ptr, dst.ptr, rows, cols, rows);
      console.log(`      transpose (${rows},${cols}): max |Δ| ${maxAbsDiff(dst.v, want)}`);
      assert.deepEqual(dst.v, want);
      arena.free(src);
      arena.free(dst);
    });

  for (const B of [16, 5])
    it(`transpose of a (${B}, 12) block into columns of a wider matrix (ld 3·${B}) is the same floats`, async () => {
      const { arena } = await wasmBackend();
      const k = arena.kernels!;
      const cols = 12;
      const ld = 3 * B;
      const src = filled(arena, B * cols, B);
      const dst = filled(arena, cols * ld, 99); // the other columns must be left as they are
      const want = dst.v.slice();
      for (let r = 0; r < B; r++) for (let c = 0; c < cols; c++) want[c * ld + B + r] = src.v[r * cols + c];
      k.transpose(src.ptr, dst.ptr + B * 4, B, cols, ld);
      assert.deepEqual(dst.v, want);
      arena.free(src);
      arena.free(dst);
    });

  it('row adds (column sums, scatter by id) are the same floats', async () => {
    const { arena } = await wasmBackend();
    const k = arena.kernels!;
    const rows = 9;
    const cols = 22; // not a multiple of 4: the scalar tail runs too
    const m = filled(arena, rows * cols, 3);
    const out = arena.alloc(cols);
    const want = new Float32Array(cols);
    columnSums(m.v, want, rows, cols);
    for (let r = 0; r < rows; r++) k.addTo(out.ptr, m.ptr + r * cols * 4, cols);
    assert.deepEqual(out.v, want);
    const ids = Int32Array.from({ length: rows }, (_, r) => (r * 5) % 4);
    const dst = arena.alloc(4 * cols);
    const wantDst = new Float32Array(4 * cols);
    scatterAddRows(m.v, ids, wantDst, cols);
    for (let r = 0; r < rows; r++) k.addTo(dst.ptr + ids[r] * cols * 4, m.ptr + r * cols * 4, cols);
    console.log(`      column sums max |Δ| ${maxAbsDiff(out.v, want)}, scatter max |Δ| ${maxAbsDiff(dst.v, wantDst)}`);
    assert.deepEqual(dst.v, wantDst);
    for (const b of [m, out, dst]) arena.free(b);
  });

  it('the gradient norm and one clipped Adam step match the JS loops', async () => {
    const { arena } = await wasmBackend();
    const k = arena.kernels!;
    const n = 1031; // a scalar tail of 3
    const p = filled(arena, n, 1, 0.3);
    const g = filled(arena, n, 2, 2);
    const m = filled(arena, n, 4, 0.01);
    const v = filled(arena, n, 5, 0.01);
    for (let j = 0; j < n; j++) v.v[j] = Math.abs(v.v[j]);
    const [p0, m0, v0] = [p.v.slice(), m.v.slice(), v.v.slice()];
    const before = p.v.slice();
    const norm = Math.sqrt(k.sumSquares(g.ptr, n));
    const normJs = globalNorm(g.v);
    const scale = 5 / norm;
    const lrT = 2e-3 * 3.1;
    adamStep(p0, g.v, m0, v0, scale, lrT);
    k.adam(p.ptr, g.ptr, m.ptr, v.ptr, n, scale, ADAM.b1, ADAM.b2, lrT, ADAM.eps);
    const d = { norm: Math.abs(norm - normJs) / normJs, p: relDiff(p.v, p0), m: relDiff(m.v, m0), v: relDiff(v.v, v0) };
    console.log(
      `      norm rel Δ ${d.norm.toExponential(2)}; Adam max rel Δ p ${d.p.toExponential(2)}, m ${d.m.toExponential(2)}, v ${d.v.toExponential(2)}`,
    );
    assert.ok(d.norm < 1e-12, 'the norm is summed in f64 as the loop does');
    assert.ok(d.p < 1e-6 && d.m < 1e-6 && d.v < 1e-6);
    assert.ok(maxAbsDiff(p.v, before) > 1e-4, 'the step moved the weights');
    for (const b of [p, g, m, v]) arena.free(b);
  });

  // Every cell, on the kernels and on the JS loops: two windows (the second from carried state, so dc/dh cross
  // the boundary), then loss, every layer's h and the gradients compared.
  for (const cell of ['lstm', 'gru', 'rnn'] as const)
    for (const [H, layers, B, T] of [
      [8, 1, 3, 7],
      [12, 2, 4, 8],
      [16, 2, 5, 6],
      [32, 1, 16, 4], // B = 16: the per-step transposes write whole cache lines
    ])
      it(`${cell.toUpperCase()} forward + backward, H=${H}, ${layers} layer(s), B=${B}, T=${T}: kernels = JS loops to float rounding`, async () => {
        const { arena } = await wasmBackend();
        const live = arena.liveBuffers;
        const cfg: ModelConfig = { hiddenSize: H, layers, embeddingSize: 6, maxVocab: V, cell };
        const w = randomWeights(cfg, V, (cell === 'lstm' ? 7 : 11) + H, 0.6);
        const graph = (kernels: boolean) =>
          cell === 'lstm'
            ? new LstmGraph(arena, cfg, V, B, T, { kernels })
            : new GruRnnGraph(arena, cfg, V, B, T, { kernels });
        const fast = graph(true);
        const ref = graph(false);
        const run = (g: LstmGraph | GruRnnGraph) => {
          g.setWeights(w.data);
          for (let j = 0; j < g.inputs.length; j++) {
            g.inputs[j] = (j * 7 + 2) % V;
            g.targets[j] = (j * 3 + 1) % V;
          }
          const losses = [runSync(g.run(true))];
          g.carryState();
          losses.push(runSync(g.run(true)));
          const h = Array.from({ length: layers }, (_, l) => Array.from(g.outputs(l))).flat();
          return { losses, grads: g.grads.v.slice(), h };
        };
        const a = run(fast);
        const b = run(ref);
        const d = { loss: relDiff(a.losses, b.losses), grads: relDiff(a.grads, b.grads), h: relDiff(a.h, b.h) };
        console.log(
          `      ${cell} H=${H} L=${layers}: max rel Δ loss ${d.loss.toExponential(2)}, h ${d.h.toExponential(2)}, grads ${d.grads.toExponential(2)}`,
        );
        assert.ok(d.loss < 1e-6 && d.h < 1e-5 && d.grads < 1e-4, JSON.stringify(d));
        assert.ok(
          a.grads.some((x) => x !== 0),
          'gradients are not all zero',
        );
        fast.dispose();
        ref.dispose();
        assert.equal(arena.liveBuffers, live, 'every buffer of both graphs freed');
      });

  it('GRU and RNN graphs on the kernels keep the wasm buffer count flat over many steps', async () => {
    const { arena } = await wasmBackend();
    for (const cell of ['gru', 'rnn'] as const) {
      const cfg: ModelConfig = { hiddenSize: 16, layers: 2, embeddingSize: 6, maxVocab: V, cell };
      const g = new GruRnnGraph(arena, cfg, V, 4, 5);
      g.setWeights(randomWeights(cfg, V, 3).data);
      runSync(g.run(true));
      const live = arena.liveBuffers;
      for (let s = 0; s < 5; s++) {
        runSync(g.run(true));
        g.carryState();
        g.weightsChanged();
      }
      assert.equal(arena.liveBuffers, live, `${cell}: no buffer made per step`);
      g.dispose();
    }
  });
});
