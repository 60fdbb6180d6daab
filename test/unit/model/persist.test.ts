// Persistence: save → load gives identical predictions; corrupted or mismatched files are refused.
import * as assert from 'node:assert/strict';
import { generateCorpus } from '../../../src/cli/corpus';
import type { ModelConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { initWeights } from '../../../src/model/params';
import { loadModel, saveModel, sha256Hex, textHash } from '../../../src/model/persist';
import { TextDoc } from '../../../src/model/textDoc';
import { Vocab } from '../../../src/model/vocab';

const model: ModelConfig = { hiddenSize: 10, layers: 2, embeddingSize: 4, maxVocab: 50 };
const text = generateCorpus(2000, 9) + '한글 😀\r\n';
const doc = new TextDoc(text, 1);
const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
const weights = initWeights(model, vocab.size, 9);
const saved = saveModel(weights, vocab, text, { steps: 0 });

function edited(f: (j: Record<string, unknown>) => void): string {
  const j = JSON.parse(saved.json) as Record<string, unknown>;
  f(j);
  return JSON.stringify(j);
}

describe('model/persist', () => {
  it('save → load → identical predictions', () => {
    const loaded = loadModel(saved.json, saved.weights.slice(0), { expectedTextHash: textHash(text) });
    assert.deepEqual([...loaded.weights.data], [...weights.data]);
    const a = Predictor.from(weights, vocab);
    const b = Predictor.from(loaded.weights, loaded.vocab);
    for (const off of [0, 1, 100, 999, text.length])
      assert.deepEqual(b.predict(doc, off, 5, 20), a.predict(doc, off, 5, 20));
  });

  it('refuses corrupted or mismatched data with a clear message', () => {
    const flipped = saved.weights.slice(0);
    new Uint8Array(flipped)[17] ^= 0x40;
    const nan = saved.weights.slice(0);
    new DataView(nan).setFloat32(8, NaN, true);
    const nanJson = edited((j) => (j.weightsSha256 = sha256Hex(new Uint8Array(nan))));
    const cases: [string, () => unknown, RegExp][] = [
      ['flipped bit', () => loadModel(saved.json, flipped), /checksum/],
      ['truncated weights', () => loadModel(saved.json, saved.weights.slice(0, 100)), /bytes/],
      ['not JSON', () => loadModel(saved.json.slice(0, 50), saved.weights), /not valid JSON/],
      [
        'wrong version',
        () =>
          loadModel(
            edited((j) => (j.version = 99)),
            saved.weights,
          ),
        /version 99/,
      ],
      [
        'wrong format',
        () =>
          loadModel(
            edited((j) => (j.format = 'other')),
            saved.weights,
          ),
        /format/,
      ],
      [
        'shape mismatch',
        () =>
          loadModel(
            edited((j) => ((j.model as ModelConfig).hiddenSize = 11)),
            saved.weights,
          ),
        /tensor|bytes/,
      ],
      [
        'bad layers',
        () =>
          loadModel(
            edited((j) => ((j.model as ModelConfig).layers = 7)),
            saved.weights,
          ),
        /layers/,
      ],
      [
        'bad vocabulary',
        () =>
          loadModel(
            edited((j) => ((j.vocab as { symbols: unknown[] }).symbols[0] = 'x')),
            saved.weights,
          ),
        /vocabulary/,
      ],
      ['NaN weight', () => loadModel(nanJson, nan), /finite/],
      [
        'other text',
        () => loadModel(saved.json, saved.weights, { expectedTextHash: textHash('other') }),
        /different text/,
      ],
      ['array JSON', () => loadModel('[1,2]', saved.weights), /not an object/],
    ];
    for (const [name, f, why] of cases) {
      assert.throws(f, (e: Error) => {
        assert.match(e.message, /^Refusing model file: /, name);
        assert.match(e.message, why, name);
        return true;
      });
    }
  });
});
