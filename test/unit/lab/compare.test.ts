// Cell comparison helpers: parameter matching and the bracket / quote pairing the
// long-range probe buckets by.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeHelperSpawn } from '../../../src/model/gradShard';
import { bucketOf, closers, DISTANCE_BUCKETS } from '../../../src/model/lab/brackets';
import { CompareSession, hiddenForParams, paramCount } from '../../../src/model/lab/compare';
import { TextDoc } from '../../../src/model/textDoc';
import { startTrainer } from '../../../src/model/trainer';
import { charTokenizer } from '../../../src/model/vocab';
import { wasmBackend } from '../model/helpers';

describe('lab/compare helpers', () => {
  it('counts parameters and matches them across cells', () => {
    assert.equal(paramCount('lstm', 2, 3, 5), 5 * 3 + (3 + 2 + 1) * 8 + 2 * 5 + 5);
    const target = paramCount('lstm', 128, 32, 90);
    const g = hiddenForParams('gru', target, 32, 90);
    const r = hiddenForParams('rnn', target, 32, 90);
    assert.ok(g > 128 && r > g);
    for (const [cell, h] of [['gru', g] as const, ['rnn', r] as const])
      assert.ok(Math.abs(paramCount(cell, h, 32, 90) - target) / target < 0.02);
  });

  it('matches parameters on the kernels’ width when asked, as Compare Cells does', () => {
    const target = paramCount('lstm', 128, 32, 96);
    assert.equal(hiddenForParams('rnn', target, 32, 96), 250, 'the closest of all sizes');
    const r = hiddenForParams('rnn', target, 32, 96, 1, 4);
    const g = hiddenForParams('gru', target, 32, 96, 1, 4);
    assert.deepEqual([g, r], [148, 248]);
    for (const [cell, h] of [['gru', g] as const, ['rnn', r] as const])
      assert.ok(Math.abs(paramCount(cell, h, 32, 96) - target) / target < 0.02);
  });

  it('pairs brackets and quotes, skipping content inside quotes and escapes', () => {
    const text = 'f(a, [1, 2], "x)\\"y", {b: \'(\'})\n';
    const syms = charTokenizer.tokenize(text).syms;
    const got = closers(syms).map((p) => text[p.open] + text[p.close] + (p.close - p.open));
    assert.deepEqual(got, ['[]5', '""6', "''2", '{}7', '()29']);
    assert.equal(DISTANCE_BUCKETS[bucketOf(30)].label, '21-50');
    // Skipped tokens (comments) open nothing: a lone backtick in a comment no longer swallows the rest.
    const code = '// it`s\nf(x)\n';
    const s2 = charTokenizer.tokenize(code).syms;
    assert.equal(closers(s2).length, 0);
    const skip = Array.from(code, (_, k) => (k < 7 ? 1 : 0));
    assert.deepEqual(
      closers(s2, skip).map((p) => code[p.close]),
      [')'],
    );
    assert.equal(DISTANCE_BUCKETS[bucketOf(101)].label, '>100');
  });

  it('a comparison and its probe free every engine buffer they allocate', async function () {
    this.timeout(20000);
    const backend = await wasmBackend();
    const doc = new TextDoc('def f(a, b):\n    return [a, (b + 1), "x"]\n'.repeat(30), 1);
    const live = backend.arena.liveBuffers;
    const session = new CompareSession(backend.arena);
    const res = await session.run(
      doc,
      {
        budgetSec: 0.2,
        match: 'hidden',
        hiddenSize: 8,
        model: { embeddingSize: 4 },
        training: { batchSize: 4, seqLength: 16 },
      },
      () => {},
    );
    assert.equal(res.results.length, 3);
    // The same characters for every cell: the LSTM paces, the others take as many steps.
    const [lstm, ...others] = res.results;
    assert.equal(lstm.cell, 'lstm');
    assert.ok(lstm.steps > 0);
    for (const r of others) assert.equal(r.steps, lstm.steps, `${r.cell} took the LSTM's ${lstm.steps} steps`);
    const probe = await session.probe();
    assert.ok(probe.buckets.reduce((a, b) => a + b.count, 0) > 0);
    session.dispose();
    assert.equal(backend.arena.liveBuffers, live);
  });

  it('trains every cell on the threads its trainer factory gives, the same steps each, and frees them', async function () {
    this.timeout(60000);
    const backend = await wasmBackend();
    const doc = new TextDoc('def f(a, b):\n    return [a, (b + 1), "x"]\n'.repeat(30), 1);
    const live = backend.arena.liveBuffers;
    const threads: number[] = [];
    const spawn = nodeHelperSpawn(path.resolve(__dirname, '../../../cli/gradWorker.js'));
    const session = new CompareSession(backend.arena, async (init) => {
      const tr = await startTrainer(init, { threads: 2, cores: 2, spawn });
      threads.push(tr.threads);
      return tr;
    });
    const res = await session.run(
      doc,
      {
        budgetSec: 5,
        match: 'hidden',
        hiddenSize: 8,
        model: { embeddingSize: 4 },
        training: { batchSize: 16, seqLength: 16 },
        until: 'steps',
        steps: 12,
      },
      () => {},
    );
    assert.deepEqual(threads, [2, 2, 2], 'each cell trained on its two threads');
    assert.deepEqual(
      res.results.map((r) => [r.cell, r.steps, r.ended]),
      [
        ['lstm', 12, 'steps'],
        ['gru', 12, 'steps'],
        ['rnn', 12, 'steps'],
      ],
    );
    for (const r of res.results) assert.ok(r.heldOutBpc !== null && r.heldOutBpc > 0 && r.heldOutBpc < 8, `${r.cell}`);
    session.dispose();
    assert.equal(backend.arena.liveBuffers, live);
  });
});
