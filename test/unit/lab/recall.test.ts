// The recall experiment: its sequences put the target exactly G characters after the cue; the scorer gives
// a hand-wired copying LSTM 1.0 and a model that cannot tell the cues apart chance; a run is deterministic
// for a seed, cancellable, and frees every engine buffer.
import * as assert from 'node:assert/strict';
import {
  recallModel,
  recallSequence,
  recallTask,
  RECALL_LEAD,
  runRecall,
  scoreRecall,
  syntheticRecallText,
} from '../../../src/model/lab/recall';
import { wilson } from '../../../src/model/lab/intervals';
import { initWeights, slice } from '../../../src/model/params';
import { Rng } from '../../../src/model/rng';
import { TextDoc } from '../../../src/model/textDoc';
import { wasmBackend } from '../model/helpers';

const syms = new TextDoc(syntheticRecallText(6000, 3), 1).syms;

describe('lab/recall', () => {
  it('puts the target exactly G characters after its cue, after the opener and the marker', () => {
    const task = recallTask(syms, 8);
    assert.equal(task.cues.length, 8);
    assert.equal(String.fromCodePoint(task.opener, task.marker), '@~');
    assert.ok(!task.train.includes(task.marker) && !task.test.includes(task.opener));
    const rng = new Rng(1);
    for (const gap of [2, 5, 50, 200]) {
      for (let k = 0; k < 20; k++) {
        const s = recallSequence(task, gap, rng, k % 2 ? 'train' : 'test');
        assert.equal(s.syms.length, RECALL_LEAD + gap + 1);
        assert.equal(s.cueAt, RECALL_LEAD);
        assert.equal(s.targetAt - s.cueAt, gap);
        assert.equal(s.syms[s.targetAt], s.syms[s.cueAt]);
        assert.ok(task.cues.includes(s.syms[s.cueAt]));
        assert.equal(s.syms[s.cueAt - 1], task.opener);
        assert.equal(s.syms[s.targetAt - 1], task.marker);
        // The markers appear nowhere else.
        const others = [...s.syms].filter(
          (c, j) => (c === task.opener || c === task.marker) && j !== s.cueAt - 1 && j !== s.targetAt - 1,
        );
        assert.deepEqual(others, []);
      }
    }
  });

  it('scores a hand-wired copying LSTM 1.0 and a model blind to the cue chance', async function () {
    this.timeout(60000);
    const { arena } = await wasmBackend();
    const task = recallTask(syms, 8);
    const V = task.vocab.size;
    const K = task.cues.length;
    // Units 0…K−1 hold cue k; unit K ("ready") is +0.76 on the step after the opener, −0.76 otherwise.
    // One-hot embeddings; gate blocks i | f | g | o (Keras order) of width H = K + 1.
    const H = K + 1;
    const cfg = recallModel('lstm', H, { embeddingSize: V });
    const oracle = initWeights(cfg, V, 1);
    oracle.data.fill(0);
    const emb = slice(oracle, 'embedding');
    for (let v = 0; v < V; v++) emb[v * V + v] = 1;
    const Wx = slice(oracle, 'lstm0.kernel'); // (V, 4H)
    const Wh = slice(oracle, 'lstm0.recurrentKernel'); // (H, 4H)
    const b = slice(oracle, 'lstm0.bias');
    const Wy = slice(oracle, 'output.kernel'); // (H, V)
    const G4 = 4 * H;
    const [I, F, G, O] = [0, H, 2 * H, 3 * H];
    const ready = K;
    const hReady = Math.tanh(1); // o · tanh(c) with o = 1, c = ±1
    for (let k = 0; k < K; k++) {
      b[I + k] = -30; // the input gate opens only on cue k right after the opener (−30 + 20 + 20) …
      b[F + k] = 20; // … and the forget gate keeps what it wrote for good
      b[O + k] = 20;
      Wh[ready * G4 + I + k] = 20 / hReady;
      const id = task.vocab.id(task.cues[k]);
      Wx[id * G4 + I + k] = 20;
      Wx[id * G4 + G + k] = 20; // g = 1: the cue's unit is written
      Wy[k * V + id] = 20; // unit k says cue k at the marker
    }
    b[I + ready] = 20; // the ready unit forgets every step and rewrites c = +1 on the opener, −1 otherwise
    b[F + ready] = -20;
    b[O + ready] = 20;
    b[G + ready] = -20;
    Wx[task.vocab.id(task.opener) * G4 + G + ready] = 40;
    const opts = { gaps: [5, 20, 100, 200], testsPerGap: 100, batchSize: 32, seed: 5 };
    const live = arena.liveBuffers;
    const best = await scoreRecall(oracle, task, opts, arena);
    assert.deepEqual(
      best!.map((p) => [p.gap, p.accuracy]),
      opts.gaps.map((g) => [g, 1]),
    );
    // Blind: no input reaches the read-out; it only knows the cues (equal logits, ties broken at random).
    const blind = initWeights(cfg, V, 1);
    blind.data.fill(0);
    const by = slice(blind, 'output.bias');
    for (const c of task.cues) by[task.vocab.id(c)] = 5;
    const chance = await scoreRecall(blind, task, { ...opts, testsPerGap: 400 }, arena);
    // Chance within sampling error: over all gaps at 95 %, and at each gap at 99.9 % (four 95 % checks would
    // fail together one time in five even for a perfect scorer).
    const total = chance!.reduce((a, p) => a + p.correct, 0);
    const pooled = wilson(
      total,
      chance!.reduce((a, p) => a + p.n, 0),
    );
    assert.ok(pooled.lo <= 1 / K && 1 / K <= pooled.hi, `pooled ${pooled.value} [${pooled.lo}, ${pooled.hi}]`);
    for (const p of chance!) {
      const w = wilson(p.correct, p.n, 3.29);
      assert.ok(w.lo <= 1 / K && 1 / K <= w.hi, `gap ${p.gap}: ${p.accuracy} [${w.lo}, ${w.hi}]`);
    }
    assert.equal(arena.liveBuffers, live);
  });

  it('a run is the same for the same seed, stops when asked, and frees its buffers', async function () {
    this.timeout(120000);
    const { arena } = await wasmBackend();
    const live = arena.liveBuffers;
    const o = { gaps: [5, 20], steps: 12, hiddenSize: 8, embeddingSize: 8, batchSize: 8, testsPerGap: 16 };
    const a = await runRecall(syms, o, arena);
    const b = await runRecall(syms, o, arena);
    assert.equal(a.status, 'done');
    assert.deepEqual(a, { ...b, elapsedSec: a.elapsedSec });
    assert.deepEqual(
      a.cells.map((c) => c.cell),
      ['lstm', 'gru', 'rnn'],
    );
    assert.ok(a.cells[2].hiddenSize > a.cells[0].hiddenSize); // matched parameters: the RNN gets more units
    assert.ok(Math.abs(a.chance - 1 / 8) < 1e-12);
    let progress = 0;
    const stopped = await runRecall(syms, o, arena, { onProgress: () => progress++, shouldStop: () => progress > 0 });
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.cells.length < 3);
    assert.equal(arena.liveBuffers, live);
  });
});
