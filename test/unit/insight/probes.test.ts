// Linear probes and the unit inspector: a probe finds a feature planted into one unit (AUC ≈ 1, that unit named
// first), scores a random feature at chance on positions it was not fitted on, fits the same way twice, and its
// AUC and R² agree with references; the inspector's top and bottom contexts equal a brute-force scan.
import * as assert from 'node:assert/strict';
import { generateCorpus } from '../../../src/cli/corpus';
import { stateSize } from '../../../src/model/lstm';
import { Rng } from '../../../src/model/rng';
import { TextDoc } from '../../../src/model/textDoc';
import { extremes, inspect, INSPECTOR_CONFIG, targetValues } from '../../../src/model/insight/inspector';
import { findUnits } from '../../../src/model/insight/hypothesis';
import { labelUnits } from '../../../src/model/insight/labels';
import { TraceStore } from '../../../src/model/insight/traces';
import {
  fitProbes,
  PROBE_CONFIG,
  probeLine,
  rankAuc,
  rSquared,
  StateRecording,
} from '../../../src/model/insight/probes';
import { exactAuc } from '../../../src/model/insight/stats';
import { gateRow, ROWS } from '../../../src/model/insight/traces';
import { ANTI_UNIT, DIGIT_UNIT, model, planted } from './planted';

/** A recording of random states (L = 1), and the rows themselves. */
function randomRecording(n: number, H: number, seed: number) {
  const rng = new Rng(seed);
  const rec = new StateRecording(n, 1, H);
  const row = [new Float32Array(ROWS * H)];
  for (let t = 0; t < n; t++) {
    for (let u = 0; u < ROWS * H; u++) row[0][u] = rng.normal();
    rec.add(t, row);
  }
  return { rec, rng };
}

/** Code-like lines with a number on each, so the held-out tail has digits on both sides of the split. */
function numbered(lines: number): string {
  const names = ['alpha', 'beta', 'gamma', 'delta_max', 'x', 'value2'];
  return Array.from({ length: lines }, (_, k) => `${names[k % names.length]} = ${(k * 37) % 1000};\n`).join('');
}

describe('insight/probes', function () {
  this.timeout(60000);
  const text = numbered(1500);
  const doc = new TextDoc(text, 1);
  const p = planted(doc);

  it('a probe on the digit feature planted into unit 3 scores AUC ≈ 1 and leans on the planted units', async () => {
    const r = await labelUnits(p, doc, 'typescript', { probes: true });
    const fit = r.probes!;
    const digit = fit.probes.find((q) => q.feature === 'digit')!;
    console.log(
      `      ${probeLine(digit, 'digit')}; fit ${fit.fitRows}, scored ${fit.testRows}, ${fit.ms.toFixed(0)} ms`,
    );
    assert.ok(fit.testRows > 100 && fit.fitRows > 100);
    assert.ok(digit.score > 0.999, `AUC ${digit.score}`);
    const top = digit.units[0];
    assert.equal(top.layer, 0);
    assert.ok([DIGIT_UNIT, ANTI_UNIT].includes(top.unit), `strongest unit ${top.gate}${top.unit}`);
    assert.equal(Math.sign(top.weight), top.unit === DIGIT_UNIT ? 1 : -1, 'the planted unit votes its own way');
    assert.equal(digit.weights.length, 2 * model.layers * model.hiddenSize);
  });

  it('by default probes fit on the training text before the tail and score on the whole tail, in either history', async () => {
    for (const history of ['continuous', 'bounded'] as const) {
      const r = await labelUnits(p, doc, 'typescript', { probes: true, history });
      const fit = r.probes!;
      assert.equal(r.probeFitOn, 'training');
      assert.equal(fit.testRows, r.last - r.first, 'every held-out position scores');
      assert.ok(fit.fitRows > 1000 && fit.fitRows <= PROBE_CONFIG.maxFitRows, `fit rows ${fit.fitRows}`);
      const digit = fit.probes.find((q) => q.feature === 'digit')!;
      assert.ok(digit.score > 0.999, `${history}: AUC ${digit.score}`);
      assert.ok([DIGIT_UNIT, ANTI_UNIT].includes(digit.units[0].unit), `${history}: ${digit.units[0].unit}`);
    }
    // The held-out split still exists on request: fewer fit rows from the tail, the rest scores.
    const h = await labelUnits(p, doc, 'typescript', { probes: true, probeFit: 'heldOut' });
    assert.equal(h.probeFitOn, 'heldOut');
    assert.ok(h.probes!.testRows < h.last - h.first);
    assert.ok(h.probes!.probes.find((q) => q.feature === 'digit')!.score > 0.999);
  });

  it('each flag’s best single unit by AUC: the planted digit unit ranks every digit above every other token', async () => {
    const r = await labelUnits(p, doc, 'typescript');
    const digit = r.unitAuc.find((a) => a.feature === 'digit')!;
    console.log(`      best digit unit by AUC: ${digit.gate}${digit.unit} ${digit.auc.toFixed(4)}`);
    assert.equal(digit.layer, 0);
    assert.ok([DIGIT_UNIT, ANTI_UNIT].includes(digit.unit), `unit ${digit.unit}`);
    assert.ok(Math.abs(digit.auc - 0.5) > 0.499, `AUC ${digit.auc}`);
    assert.equal(digit.auc > 0.5, digit.unit === DIGIT_UNIT, 'the anti unit fires outside');
    assert.ok(!r.unitAuc.some((a) => ['bracketDepth', 'indent', 'column'].includes(a.feature)), 'flags only');
  });

  it('find units by example also fits a probe to the selection: AUC ≈ 1 on the planted digits', async () => {
    // Every number of a short text: unselected digits inside the window would (rightly) lower the AUC.
    const small = numbered(300);
    const sdoc = new TextDoc(small, 1);
    const sp = planted(sdoc);
    const selections: { start: number; end: number }[] = [];
    const re = /[0-9]+/g;
    for (let m = re.exec(small); m; m = re.exec(small)) selections.push({ start: m.index, end: m.index + m[0].length });
    const r = await findUnits(new TraceStore(sp), sdoc, selections, 'high');
    assert.ok(r.probe, 'a probe was fitted');
    console.log(`      selection probe AUC ${r.probe.score.toFixed(4)}; best single unit AUC ${r.matches[0].score}`);
    assert.ok(r.probe.score > 0.99, `AUC ${r.probe.score}`);
    // One short selection still splits into both parts (blocks of half its length).
    const three = selections.find((x) => x.end - x.start === 3)!;
    const one = await findUnits(new TraceStore(sp), sdoc, [three], 'high');
    assert.ok(one.probe && one.probe.score > 0.9, `one selection: AUC ${one.probe?.score}`);
  });

  it('a probe on a random feature scores chance on held-out positions', () => {
    const { rec, rng } = randomRecording(6000, 32, 3);
    const y = Float32Array.from({ length: rec.rows }, () => (rng.next() < 0.3 ? 1 : 0));
    const count = Float32Array.from({ length: rec.rows }, () => Math.floor(rng.next() * 8));
    const fit = fitProbes(rec, [
      { feature: 'inString', y },
      { feature: 'bracketDepth', y: count },
    ]);
    const [flag, depth] = fit.probes;
    console.log(`      random flag AUC ${flag.score.toFixed(3)}, random count R² ${depth.score.toFixed(3)}`);
    assert.ok(Math.abs(flag.score - 0.5) < 0.05, `AUC ${flag.score}`);
    assert.ok(depth.score < 0.02, `R² ${depth.score}`);
  });

  it('a planted count is recovered by ridge regression (R² ≈ 1), and fitting is deterministic', () => {
    const { rec, rng } = randomRecording(4000, 32, 5);
    const H = 32;
    // A count carried by c7 and h2 (columns 7 and 32 + 2), with a little noise.
    const y = Float32Array.from({ length: rec.rows }, (_, i) => {
      const row = rec.data.subarray(i * rec.D, (i + 1) * rec.D);
      return 3 * row[7] - 2 * row[H + 2] + 0.05 * rng.normal();
    });
    const flag = Float32Array.from(y, (v) => (v > 0 ? 1 : 0));
    const targets = [
      { feature: 'indent' as const, y },
      { feature: 'inComment' as const, y: flag },
    ];
    const a = fitProbes(rec, targets);
    const b = fitProbes(rec, targets);
    const [ridge, logistic] = a.probes;
    console.log(
      `      ${probeLine(ridge, 'planted count')}; ${probeLine(logistic, 'planted flag')}; ${a.ms.toFixed(0)} ms`,
    );
    assert.ok(ridge.score > 0.99, `R² ${ridge.score}`);
    assert.deepEqual(
      ridge.units.slice(0, 2).map((u) => `${u.gate}${u.unit}`),
      ['c7', 'h2'],
    );
    assert.ok(logistic.score > 0.99, `AUC ${logistic.score}`);
    for (let k = 0; k < a.probes.length; k++) {
      assert.deepEqual(a.probes[k].weights, b.probes[k].weights, 'same weights, bit for bit');
      assert.equal(a.probes[k].bias, b.probes[k].bias);
      assert.equal(a.probes[k].score, b.probes[k].score);
    }
  });

  it('rank AUC equals the exact pairwise AUC (ties included); R² against its definition', () => {
    const rng = new Rng(11);
    const scores = Float64Array.from({ length: 700 }, () => Math.round(rng.normal() * 4) / 4); // many ties
    const labels = Float64Array.from(scores, (s) => (s + rng.normal() > 0 ? 1 : 0));
    const inside = scores.filter((_, i) => labels[i] === 1);
    const outside = scores.filter((_, i) => labels[i] === 0);
    assert.ok(Math.abs(rankAuc(scores, labels) - exactAuc(inside, outside)) < 1e-12);
    assert.ok(Number.isNaN(rankAuc([1, 2, 3], [1, 1, 1])), 'one class only: no AUC');
    assert.equal(rSquared([1, 2, 3], [1, 2, 3]), 1);
    assert.equal(rSquared([2, 2, 2], [1, 2, 3]), 0);
  });
});

describe('insight/inspector', function () {
  this.timeout(60000);
  const text = generateCorpus(6000, 8);
  const doc = new TextDoc(text, 1);
  const p = planted(doc);
  const H = model.hiddenSize;

  /** Brute force: every token's value from a direct run of the model's own engine, all positions sorted. */
  function bruteForce(layer: number, gate: 'c' | 'h' | 'f', unit: number) {
    const state = new Float32Array(stateSize(p.w));
    const rows = Array.from({ length: model.layers }, () => new Float32Array(ROWS * H));
    const all: number[] = [];
    for (let t = 0; t < doc.tokenCount; t++) {
      p.engine.step(state, p.vocab.id(doc.syms[t]), rows, 0);
      all.push(rows[layer][gateRow(gate) * H + unit]);
    }
    // k rounds of a full scan: the best value not within `gap` of one already picked (earliest on ties).
    const pick = (sign: number) => {
      const out: number[] = [];
      for (let r = 0; r < INSPECTOR_CONFIG.contexts; r++) {
        let best = -1;
        for (let t = 0; t < all.length; t++) {
          if (out.some((q) => Math.abs(q - t) < INSPECTOR_CONFIG.gap)) continue;
          if (best < 0 || sign * all[t] > sign * all[best]) best = t;
        }
        out.push(best);
      }
      return out;
    };
    return { all, high: pick(1), low: pick(-1) };
  }

  it('top and bottom contexts equal a brute-force scan of the traces, snippets carry the right values', async () => {
    for (const [layer, gate, unit] of [
      [1, 'c', 4],
      [0, 'f', 9],
      [1, 'h', 0],
    ] as const) {
      const target = { kind: 'unit', layer, gate, unit } as const;
      const values = await targetValues(p, doc, target, null);
      const ins = inspect(doc, target, values);
      const ref = bruteForce(layer, gate, unit);
      const k = INSPECTOR_CONFIG.contexts;
      assert.deepEqual(
        ins.top.map((s) => s.start),
        ref.high.slice(0, k).map((t) => doc.starts[t]),
      );
      assert.deepEqual(
        ins.bottom.map((s) => s.start),
        ref.low.slice(0, k).map((t) => doc.starts[t]),
      );
      for (const s of [...ins.top, ...ins.bottom]) {
        const t = doc.tokensBefore(s.start);
        assert.equal(s.value, Math.fround(ref.all[t]));
        assert.equal(s.tokens[s.focus], text.slice(s.start, s.end));
        s.values.forEach((v, j) => assert.equal(v, Math.fround(ref.all[t - s.focus + j])));
        assert.equal(s.tokens.join(''), text.slice(doc.starts[t - s.focus], doc.starts[t - s.focus + s.tokens.length]));
      }
      const total = ins.histogram.counts.reduce((a, c) => a + c, 0);
      assert.equal(total, doc.tokenCount, 'the histogram counts every token');
      assert.equal(ins.histogram.max, ins.top[0].value);
      assert.equal(ins.histogram.min, ins.bottom[0].value);
    }
    console.log(`      3 targets × ${INSPECTOR_CONFIG.contexts} top and bottom contexts over ${doc.tokenCount} tokens`);
  });

  it('a probe target reads bias + weights · (c, h) of every layer', async () => {
    const rng = new Rng(2);
    const D = 2 * model.layers * H;
    const probe = { weights: Float32Array.from({ length: D }, () => rng.normal()), bias: 0.25 };
    const values = await targetValues(p, doc, { kind: 'probe', feature: 'digit' }, probe);
    const state = new Float32Array(stateSize(p.w));
    const rows = Array.from({ length: model.layers }, () => new Float32Array(ROWS * H));
    let maxDiff = 0;
    for (let t = 0; t < 500; t++) {
      p.engine.step(state, p.vocab.id(doc.syms[t]), rows, 0);
      let s = probe.bias;
      for (let l = 0; l < model.layers; l++)
        for (let u = 0; u < 2 * H; u++) s += probe.weights[l * 2 * H + u] * rows[l][4 * H + u];
      maxDiff = Math.max(maxDiff, Math.abs(s - values[t]));
    }
    assert.ok(maxDiff < 1e-4, `max |diff| ${maxDiff}`);
    await assert.rejects(targetValues(p, doc, { kind: 'probe', feature: 'digit' }, null), /no probe/);
  });

  it('extremes keeps the earliest of tied values, skips NaN, and keeps picks apart', () => {
    assert.deepEqual(extremes([1, 3, 3, NaN, 2, 3], 2), [1, 2]);
    assert.deepEqual(extremes([1, 3, 3, NaN, 2, 0], 3, true), [5, 0, 4]);
    assert.deepEqual(extremes([1, 3, 3, NaN, 2, 3], 3, false, 2), [1, 5]);
  });
});
