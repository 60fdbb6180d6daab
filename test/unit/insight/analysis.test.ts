// Statistics against straightforward references, and the analyses on a planted unit: a model whose unit 3
// holds c = +1 after a digit and −1 after anything else (unit 5 the reverse) must be found by example
// (find units) and labelled "digit" with r ≈ 1 (labels), ahead of 2 × 2 × 16 random units.
import * as assert from 'node:assert/strict';
import { generateCorpus } from '../../../src/cli/corpus';
import { Rng } from '../../../src/model/rng';
import { TextDoc } from '../../../src/model/textDoc';
import { ANTI_UNIT, DIGIT_UNIT, planted } from './planted';
import { findUnits, analysisWindow } from '../../../src/model/insight/hypothesis';
import { labelUnits } from '../../../src/model/insight/labels';
import { unitValuesSync } from '../../../src/model/insight/overlay';
import { scanFeatures } from '../../../src/model/lexers/scan';
import { exactAuc, pearson, PearsonAccumulator, SeparationAccumulator } from '../../../src/model/insight/stats';
import { heldOutStartToken, TraceStore } from '../../../src/model/insight/traces';

describe('insight/stats', function () {
  this.timeout(30000);
  it('streaming Pearson r equals the two-pass reference', () => {
    const rng = new Rng(7);
    const N = 3000;
    const U = 9;
    const feats = [
      Float32Array.from({ length: N }, () => (rng.next() < 0.2 ? 1 : 0)),
      Float32Array.from({ length: N }, (_, t) => t % 37),
    ];
    const xs = Array.from({ length: U }, (_, u) =>
      Float32Array.from({ length: N }, (_, t) => 50 + u * feats[u % 2][t] + 3 * rng.normal()),
    );
    const acc = new PearsonAccumulator(feats, U);
    const row = new Float32Array(U);
    for (let t = 0; t < N; t++) {
      for (let u = 0; u < U; u++) row[u] = xs[u][t];
      acc.add(t, row);
      acc.next();
    }
    const r = acc.result();
    let maxDiff = 0;
    for (let f = 0; f < feats.length; f++)
      for (let u = 0; u < U; u++) maxDiff = Math.max(maxDiff, Math.abs(r[f][u] - pearson(xs[u], feats[f])));
    console.log(`      Pearson r, streaming vs two-pass: max |diff| ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff < 1e-9);
    const constant = new PearsonAccumulator([new Float32Array(10).fill(1)], 1);
    for (let t = 0; t < 10; t++) {
      constant.add(t, [t]);
      constant.next();
    }
    assert.ok(Number.isNaN(constant.result()[0][0]), 'a constant feature has no r');
  });

  it('binned AUC and effect size against exact references', () => {
    const rng = new Rng(9);
    const inside = Float32Array.from({ length: 400 }, () => Math.tanh(0.8 + rng.normal()));
    const outside = Float32Array.from({ length: 900 }, () => Math.tanh(rng.normal()));
    const acc = new SeparationAccumulator(1);
    for (const v of inside) {
      acc.add(true, 5, [v], 0, 0, 1);
      acc.next(true);
    }
    for (const v of outside) {
      acc.add(false, 5, [v], 0, 0, 1);
      acc.next(false);
    }
    const s = acc.result(0);
    const exact = exactAuc(inside, outside);
    const mean = (a: Float32Array) => a.reduce((x, y) => x + y, 0) / a.length;
    const ss = (a: Float32Array) => a.reduce((x, y) => x + (y - mean(a)) ** 2, 0);
    const d = (mean(inside) - mean(outside)) / Math.sqrt((ss(inside) + ss(outside)) / (400 + 900 - 2));
    console.log(
      `      AUC binned ${s.auc.toFixed(4)} vs exact ${exact.toFixed(4)}; effect ${s.effect.toFixed(6)} vs ${d.toFixed(6)}`,
    );
    assert.ok(Math.abs(s.auc - exact) < 0.01);
    assert.ok(Math.abs(s.effect - d) < 1e-9);
    assert.ok(Math.abs(s.meanInside - mean(inside)) < 1e-9);
  });
});

describe('insight/hypothesis and labels on a planted unit', function () {
  this.timeout(30000);
  const text = generateCorpus(12000, 21);
  const doc = new TextDoc(text, 1);
  const p = planted(doc);

  it('the planted unit really is what it claims (its cell value is ±1 by digit)', () => {
    const r = unitValuesSync(new TraceStore(p), doc, 0, 2000, 0, 'c', DIGIT_UNIT);
    let maxDiff = 0;
    for (let k = 0; k < r.values.length; k++) {
      const want = /[0-9]/.test(text[r.offsets[k]]) ? 1 : -1;
      maxDiff = Math.max(maxDiff, Math.abs(r.values[k] - want));
    }
    console.log(`      planted cell vs ±1: max |diff| ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff < 1e-6);
  });

  it('find units: selecting numbers ranks the digit unit first (high) and its mirror first (low)', async () => {
    const selections: { start: number; end: number }[] = [];
    const re = /[0-9]+/g;
    // Every number in the text: unselected digits inside the window would (rightly) lower the planted AUC.
    for (let m = re.exec(text); m; m = re.exec(text)) selections.push({ start: m.index, end: m.index + m[0].length });
    assert.ok(selections.length >= 5, `${selections.length} numbers selected`);
    const store = new TraceStore(p);
    const high = await findUnits(store, doc, selections, 'high', ['i', 'f', 'g', 'o', 'c', 'h'], 5);
    console.log(
      `      high: ${high.matches
        .slice(0, 3)
        .map((m) => `L${m.layer} ${m.gate}${m.unit} auc ${m.score.toFixed(3)} d ${m.effect.toFixed(1)}`)
        .join(', ')}; ${high.insideTokens} inside, ${high.outsideTokens} outside`,
    );
    assert.equal(high.matches[0].layer, 0);
    assert.equal(high.matches[0].unit, DIGIT_UNIT);
    assert.ok(['c', 'h', 'g'].includes(high.matches[0].gate));
    assert.equal(high.matches[0].score, 1);
    const low = await findUnits(store, doc, selections, 'low', ['c', 'h'], 5);
    assert.equal(low.matches[0].unit, ANTI_UNIT);
    assert.equal(low.matches[0].score, 1);
    assert.ok(low.matches[0].effect > 0);
    // The window is the selections plus padding, merged: sorted, disjoint, covering every selection.
    for (let k = 1; k < high.window.length; k++) assert.ok(high.window[k - 1].end < high.window[k].start);
    for (const s of selections) assert.ok(high.window.some((w) => w.start <= s.start && w.end >= s.end));
  });

  it('find units refuses empty selections and bounds the window', async () => {
    const store = new TraceStore(p);
    await assert.rejects(findUnits(store, doc, [{ start: 5, end: 5 }], 'high'), /empty/);
    const win = analysisWindow(
      [
        { first: 100, last: 110 },
        { first: 5000, last: 5100 },
      ],
      12000,
      2000,
    );
    assert.ok(win.reduce((a, w) => a + w.last - w.first, 0) <= 2000);
    assert.throws(() => analysisWindow([{ first: 0, last: 1500 }], 12000, 2000), /select at most/);
  });

  it('labels: the digit feature finds the planted units with r = ±1; r equals a direct Pearson', async () => {
    const r = await labelUnits(p, doc, 'typescript', { perFeature: 2, history: 'bounded' });
    const cont = await labelUnits(p, doc, 'typescript', { perFeature: 2 });
    assert.deepEqual(
      cont.labels.filter((l) => l.feature === 'digit').map((l) => l.unit),
      r.labels.filter((l) => l.feature === 'digit').map((l) => l.unit),
    );
    let histDiff = 0;
    for (const [f, layers] of r.r)
      layers.forEach((x, l) =>
        (['c', 'h'] as const).forEach((g) =>
          x[g].forEach((v, u) => {
            const c = cont.r.get(f)![l][g][u];
            if (Number.isFinite(v) && Number.isFinite(c)) histDiff = Math.max(histDiff, Math.abs(v - c));
          }),
        ),
      );
    console.log(`      r with continuous vs bounded history: max |diff| ${histDiff.toExponential(2)} (informational)`);
    const digit = r.labels.filter((l) => l.feature === 'digit');
    console.log(
      `      digit: ${digit.map((l) => `L${l.layer} ${l.gate}${l.unit} r ${l.r.toFixed(4)}`).join(', ')}; ` +
        `${r.last - r.first} held-out tokens, family ${r.family}`,
    );
    assert.deepEqual(
      digit.map((l) => l.unit).sort(),
      [DIGIT_UNIT, ANTI_UNIT].sort(),
      'both planted units top the digit feature',
    );
    for (const l of digit) assert.ok(Math.abs(Math.abs(l.r) - 1) < 1e-6);
    assert.equal(r.first, heldOutStartToken(doc, 0.1));
    assert.equal(r.heldOutStart, doc.starts[r.first]);
    // Bounded history: against a direct Pearson over the overlay's values, for a few units and features.
    const store = new TraceStore(p);
    const { table } = scanFeatures(doc.syms, 'typescript');
    let maxDiff = 0;
    for (const [feature, layer, gate, unit] of [
      ['bracketDepth', 1, 'c', 7],
      ['wordStart', 0, 'h', 2],
      ['column', 1, 'h', 15],
    ] as const) {
      const v = unitValuesSync(store, doc, doc.starts[r.first], doc.starts[r.last], layer, gate, unit).values;
      const ref = pearson(v, table[feature]!.subarray(r.first, r.last));
      maxDiff = Math.max(maxDiff, Math.abs(ref - r.r.get(feature)![layer][gate][unit]));
    }
    console.log(`      labels r vs direct Pearson over overlay values: max |diff| ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff < 1e-6);
  });
});
