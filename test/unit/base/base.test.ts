// The base model's storage and the start from it: binary16 round trips, the file is checked like a saved model,
// and a widened base predicts exactly what the base predicts (new characters only split <unk>'s share).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import { loadBase, saveBase } from '../../../src/model/base/baseFile';
import { baseMismatch, extendVocab, extendWeights, startFromBase } from '../../../src/model/base/fromBase';
import { decodeHalves, encodeHalves, fromHalf, toHalf } from '../../../src/model/base/halfFloat';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights, type ModelWeights } from '../../../src/model/params';
import { loadModel, saveModel } from '../../../src/model/persist';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';

const model: ModelConfig = { hiddenSize: 12, layers: 1, embeddingSize: 6, maxVocab: 64 };
const baseText = generateCorpus(4000, 3);
const baseVocab = Vocab.fromSymbols(new TextDoc(baseText, 1).syms, 40);
/** Weights with some scale, so predictions are far from uniform and rounding shows. */
function scaled(w: ModelWeights, by: number): ModelWeights {
  return { ...w, data: w.data.map((x) => x * by) };
}
const baseWeights = scaled(initWeights(model, baseVocab.size, 5), 2.5);

/** The full next-character distribution at an offset, by character (unknown as '\uFFFD'). */
function dist(w: ModelWeights, vocab: Vocab, doc: TextDoc, offset: number): Map<string, number> {
  const p = Predictor.from(w, vocab).predict(doc, offset, vocab.size, 4);
  return new Map(p.top.map((t) => [t.token, t.prob]));
}

describe('base/halfFloat', () => {
  it('rounds to the nearest binary16, keeps subnormals, saturates past the range', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [1e9, 0x7bff],
      [2 ** -24, 0x0001],
      [2 ** -14, 0x0400],
      [1 + 2 ** -11, 0x3c00], // a tie rounds to even
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [x, h] of cases) assert.equal(toHalf(x), h, `toHalf(${x})`);
    assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
    let worst = 0;
    for (let k = 0; k < 2000; k++) {
      const x = Math.sinh((k - 1000) / 120);
      const y = fromHalf(toHalf(x));
      if (Math.abs(x) > 2 ** -14) worst = Math.max(worst, Math.abs(y - x) / Math.abs(x));
    }
    assert.ok(worst <= 2 ** -11, `relative error ${worst}`);
    const xs = new Float32Array([0.5, -0.25, 3.14159, 1e-6]);
    const back = decodeHalves(encodeHalves(xs));
    for (let k = 0; k < xs.length; k++) assert.ok(Math.abs(back[k] - xs[k]) <= Math.abs(xs[k]) * 2 ** -11 + 6e-8);
  });
});

describe('base/baseFile', () => {
  const saved = saveBase(baseWeights, baseVocab, { steps: 7, corpusChars: 4000, heldOutBpc: { all: 3.2 } });

  it('loads what it saved, as binary16 of the weights, and predicts as the float32 weights do to 1e-3', () => {
    const b = loadBase(saved.json, saved.weights);
    assert.match(b.id, /^base-[0-9a-f]{12}$/);
    assert.deepEqual(b.info, { steps: 7, corpusChars: 4000, heldOutBpc: { all: 3.2 } });
    assert.deepEqual([...b.vocab.symbols], [...baseVocab.symbols]);
    const doc = new TextDoc(baseText.slice(0, 600), 1);
    let worst = 0;
    for (const off of [0, 50, 333, 600]) {
      const a = dist(baseWeights, baseVocab, doc, off);
      const h = dist(b.weights, b.vocab, doc, off);
      for (const [c, p] of a) worst = Math.max(worst, Math.abs(p - h.get(c)!));
    }
    assert.ok(worst > 0 && worst < 1e-3, `largest probability difference ${worst}`);
  });

  it('refuses a changed byte, a wrong size or another format with a clear message', () => {
    const flipped = saved.weights.slice();
    flipped[11] ^= 1;
    assert.throws(() => loadBase(saved.json, flipped), /^Error: Refusing base model: weights checksum mismatch/);
    assert.throws(() => loadBase(saved.json, saved.weights.subarray(2)), /Refusing base model: weights are/);
    assert.throws(
      () => loadBase(saved.json.replace('lstm-lens-base', 'x'), saved.weights),
      /Refusing base model: format/,
    );
    assert.throws(() => loadBase('{', saved.weights), /Refusing base model: the header is not valid JSON/);
  });
});

describe('base/fromBase', () => {
  const docText = 'Ünïcode ✓ naïve café — ✓✓ 한국어 문장 ' + baseText.slice(0, 300) + ' ✓ ü';

  it('extends the base vocabulary with the document’s own characters, most frequent first, within maxVocab', () => {
    const doc = new TextDoc(docText, 1);
    const v = extendVocab(baseVocab, doc.syms, baseVocab.size + 3);
    assert.deepEqual(v.symbols.slice(0, baseVocab.symbols.length), baseVocab.symbols);
    const added = v.symbols.slice(baseVocab.symbols.length).map((s) => String.fromCodePoint(s));
    assert.equal(added.length, 3);
    assert.equal(added[0], '✓'); // five times, more than any other new character
    for (const s of baseVocab.symbols) assert.equal(v.id(s), baseVocab.id(s));
    assert.equal(extendVocab(baseVocab, doc.syms, 10).size, baseVocab.size, 'no room: nothing added');
  });

  it('the widened base predicts the base’s probabilities exactly; the new characters split <unk>’s', () => {
    const doc = new TextDoc(docText, 1);
    const { vocab, weights } = startFromBase(
      {
        id: 'base-x',
        weights: baseWeights,
        vocab: baseVocab,
        info: { steps: 0, corpusChars: 0, heldOutBpc: {} },
        weightsSha256: '',
      },
      doc.syms,
      model,
    );
    const k = vocab.size - baseVocab.size;
    assert.ok(k >= 8, `added ${k}`);
    for (const off of [0, 3, 12, 40, docText.length]) {
      const before = dist(baseWeights, baseVocab, doc, off);
      const after = dist(weights, vocab, doc, off);
      for (const [c, p] of before) {
        if (c === '\uFFFD') continue;
        assert.ok(Math.abs(after.get(c)! - p) < 1e-6, `p(${c}) at ${off}: ${after.get(c)} vs ${p}`);
      }
      const unkBefore = before.get('\uFFFD')!;
      const added = vocab.symbols.slice(baseVocab.symbols.length).map((s) => String.fromCodePoint(s));
      const share = unkBefore / (k + 1);
      for (const c of [...added, '\uFFFD']) assert.ok(Math.abs(after.get(c)! - share) < 1e-6, `${c} at ${off}`);
    }
  });

  it('a model fine-tuned from a base saves and loads with the base’s symbols first', () => {
    const doc = new TextDoc(docText, 1);
    const vocab = extendVocab(baseVocab, doc.syms, 64);
    const w = extendWeights(baseWeights, vocab);
    const saved = saveModel(w, vocab, docText, { base: 'base-x' });
    const back = loadModel(saved.json, saved.weights);
    assert.deepEqual([...back.vocab.symbols], [...vocab.symbols]);
    assert.equal(back.meta.base, 'base-x');
    const dup = JSON.parse(saved.json) as { vocab: { symbols: number[] } };
    dup.vocab.symbols[1] = dup.vocab.symbols[0];
    assert.throws(() => loadModel(JSON.stringify(dup), saved.weights), /vocabulary lists \d+ twice/);
  });

  it('says why the settings do not fit a base', () => {
    const b = {
      id: 'b',
      weights: baseWeights,
      vocab: baseVocab,
      info: { steps: 0, corpusChars: 0, heldOutBpc: {} },
      weightsSha256: '',
    };
    assert.equal(baseMismatch(b, model), null);
    assert.equal(baseMismatch(b, { ...model, maxVocab: 256 }), null, 'the vocabulary bound is not the shape');
    assert.match(baseMismatch(b, { ...model, hiddenSize: 256 }) ?? '', /hidden size 256 \(the base has 12\)/);
    assert.match(baseMismatch(b, { ...model, layers: 2, cell: 'gru' }) ?? '', /cell gru.*2 layers/);
  });
});

describe('base/the shipped base', () => {
  const dir = path.join(__dirname, '../../../../media/base');
  const has = fs.existsSync(path.join(dir, 'base.json'));

  it('has the extension’s default shape, agrees with its manifest, and is the checkpoint’s weights in binary16', function () {
    if (!has) this.skip();
    const json = fs.readFileSync(path.join(dir, 'base.json'), 'utf8');
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'base.f16.bin')));
    const b = loadBase(json, bytes);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.base, b.id);
    assert.equal(manifest.weightsSha256, b.weightsSha256);
    assert.equal(baseMismatch(b, DEFAULT_MODEL_CONFIG), null);
    const ck = path.join(dir, 'checkpoint/checkpoint.bin');
    if (!fs.existsSync(ck)) return;
    const all = new Float32Array(new Uint8Array(fs.readFileSync(ck)).buffer);
    const n = b.weights.data.length;
    assert.deepEqual(encodeHalves(all.subarray(0, n)), bytes, 'base = checkpoint weights rounded to binary16');
    const f32: ModelWeights = { ...b.weights, data: all.slice(0, n) };
    const doc = new TextDoc(fs.readFileSync(__filename.replace(/\.js$/, '.js'), 'utf8').slice(0, 3000), 1);
    let worst = 0;
    for (const off of [0, 100, 1000, 2999]) {
      const a = dist(f32, b.vocab, doc, off);
      const h = dist(b.weights, b.vocab, doc, off);
      for (const [c, p] of a) worst = Math.max(worst, Math.abs(p - h.get(c)!));
    }
    assert.ok(worst < 1e-3, `binary16 moves a probability by ${worst}`);
  });
});
