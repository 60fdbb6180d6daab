// The lab's 95 % intervals cover the true value at the stated rate (seeded simulations, within sampling
// error), and the verdict names a lead only where intervals do not overlap.
import * as assert from 'node:assert/strict';
import { probeVerdict } from '../../../src/model/lab/compare';
import { bootstrapMean, separation, wilson } from '../../../src/model/lab/intervals';
import { Rng } from '../../../src/model/rng';

describe('lab/intervals', () => {
  it('Wilson intervals contain the true rate of simulated coin flips about 95 % of the time', () => {
    const rng = new Rng(7);
    const trials = 2000;
    for (const [p, n] of [
      [0.05, 100],
      [0.125, 300],
      [0.5, 60],
      [0.97, 300],
    ] as const) {
      let covered = 0;
      for (let t = 0; t < trials; t++) {
        let k = 0;
        for (let j = 0; j < n; j++) if (rng.next() < p) k++;
        const w = wilson(k, n);
        assert.ok(w.lo <= w.value && w.value <= w.hi);
        if (w.lo <= p && p <= w.hi) covered++;
      }
      const rate = covered / trials;
      // Sampling error of the coverage itself is ±0.01 (2 s.e.); Wilson's coverage of a discrete count
      // wanders by about as much around 0.95.
      console.log(`      wilson p=${p} n=${n}: coverage ${rate.toFixed(3)}`);
      assert.ok(rate > 0.925 && rate < 0.975, `coverage ${rate} at p=${p}, n=${n}`);
    }
    assert.deepEqual(wilson(0, 0), { value: 0, lo: 0, hi: 1 });
    const all = wilson(300, 300);
    assert.equal(all.hi, 1);
    assert.ok(all.lo > 0.98 && all.lo < 0.995);
  });

  it('the bootstrap interval of a mean contains the true mean about 95 % of the time', () => {
    const rng = new Rng(11);
    const trials = 300;
    const n = 60;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Float64Array.from({ length: n }, () => rng.next() ** 2); // skewed on [0, 1], mean 1/3
      const e = bootstrapMean(xs, t + 1);
      if (e.lo <= 1 / 3 && 1 / 3 <= e.hi) covered++;
    }
    const rate = covered / trials;
    console.log(`      bootstrap n=${n}: coverage ${rate.toFixed(3)}`);
    // ±0.025 is 2 s.e. of a coverage measured over 300 trials; a percentile bootstrap runs a little narrow.
    assert.ok(rate > 0.9 && rate < 0.985, `coverage ${rate}`);
    assert.deepEqual(bootstrapMean([0.5, 0.5, 0.5], 1), { value: 0.5, lo: 0.5, hi: 0.5 });
  });

  it('says which cell is ahead, and from where, only when intervals separate', () => {
    const e = (value: number, half = 0.03) => ({ value, lo: value - half, hi: value + half });
    const at = (x: number, lstm: number, gru: number, rnn: number) => ({
      x,
      from: `beyond ${x - 1} characters`,
      estimates: { lstm: e(lstm), gru: e(gru), rnn: e(rnn) },
    });
    const lead = separation(
      [at(5, 0.9, 0.9, 0.9), at(21, 0.8, 0.5, 0.5), at(51, 0.7, 0.3, 0.3)],
      ['lstm', 'gru', 'rnn'],
    );
    assert.equal(lead.leader, 'lstm');
    assert.equal(lead.words, 'LSTM ahead beyond 20 characters');
    const pair = separation([at(5, 1, 1, 1), at(51, 1, 1, 0.2), at(101, 0.98, 0.97, 0.13)], ['lstm', 'gru', 'rnn']);
    assert.equal(pair.words, 'LSTM and GRU ahead of RNN beyond 50 characters');
    const overlap = separation([at(5, 0.5, 0.52, 0.48), at(21, 0.3, 0.33, 0.31)], ['lstm', 'gru', 'rnn']);
    assert.equal(overlap.words, 'not separated yet: train longer');
    assert.equal(overlap.leader, null);
    // A lead that stops before the end (every cell back at chance there) says where it ends.
    const mid = separation([at(5, 1, 1, 1), at(51, 0.9, 0.2, 0.2), at(101, 0.2, 0.2, 0.2)], ['lstm', 'gru', 'rnn']);
    assert.equal(mid.words, 'LSTM ahead beyond 50 characters up to 51');
    // The probe's verdict ignores buckets too small for an interval to mean anything (one closer: zero width).
    const ci = (x: number, half: number): [number, number] => [x - half, x + half];
    const bucket = (count: number, lstm: number, rnn: number, half: number) => ({
      label: '21-50',
      minDistance: 21,
      maxDistance: 50,
      count,
      meanProb: { lstm, gru: null, rnn },
      top1: { lstm, gru: null, rnn },
      meanProbCi: { lstm: ci(lstm, half), gru: null, rnn: ci(rnn, half) },
      top1Ci: { lstm: null, gru: null, rnn: null },
    });
    assert.equal(probeVerdict([bucket(1, 0.3, 0.05, 0)]), 'not separated yet: train longer');
    assert.equal(probeVerdict([bucket(40, 0.3, 0.05, 0.05)]), 'LSTM ahead at every distance measured');
  });
});
