// Training behaviour: held-out loss falls on a fixture, runs are reproducible, divergence is undone,
// and neither tf tensors nor wasm memory grow across train and predict steps.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { generateCorpus } from '../../../src/cli/corpus';
import { DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../../../src/model/config';
import { Predictor } from '../../../src/model/inference';
import { TextDoc } from '../../../src/model/textDoc';
import { runSync, Trainer } from '../../../src/model/trainer';
import { Vocab } from '../../../src/model/vocab';
import { wasmBackend } from './helpers';

const model: ModelConfig = { hiddenSize: 32, layers: 1, embeddingSize: 16, maxVocab: 64 };
const training: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  seqLength: 32,
  batchSize: 8,
  learningRate: 1e-2,
  seed: 5,
};
const text = generateCorpus(20000, 1);
const doc = new TextDoc(text, 1);
const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
const ids = vocab.ids(doc.syms);

async function trainer(extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}, m = model): Promise<Trainer> {
  const { arena } = await wasmBackend();
  return new Trainer({ model: m, training, arena, ids, vocabSize: vocab.size, ...extra });
}

describe('model/training', function () {
  this.timeout(20000); // generous: a loaded 2-core machine, never a performance assertion
  it('lowers held-out bits per character on a fixture', async () => {
    const tr = await trainer();
    const before = runSync(tr.evaluate())!;
    for (let k = 0; k < 150; k++) runSync(tr.trainStep());
    const after = runSync(tr.evaluate())!;
    console.log(`      held-out bpc ${before.toFixed(3)} → ${after.toFixed(3)} after 150 steps`);
    assert.ok(after < before - 1, `bpc ${before} → ${after}`);
    tr.dispose();
  });

  it('is reproducible: same seed, same loss curve (2 layers)', async () => {
    const m2 = { ...model, layers: 2 };
    const curve = async () => {
      const tr = await trainer({}, m2);
      const out = Array.from({ length: 8 }, () => runSync(tr.trainStep()).loss);
      tr.dispose();
      return out;
    };
    const a = await curve();
    const b = await curve();
    console.log(`      losses ${a.map((x) => x.toFixed(4)).join(' ')}`);
    assert.deepEqual(a, b);
  });

  it('is reproducible with output dropout on: same seed, same loss curve, and not the curve without it', async () => {
    const curve = async (dropout: number) => {
      const tr = await trainer({ training: { ...training, dropout } });
      const out = Array.from({ length: 8 }, () => runSync(tr.trainStep()).loss);
      tr.dispose();
      return out;
    };
    const a = await curve(0.25);
    const b = await curve(0.25);
    const none = await curve(0);
    console.log(
      `      dropout 0.25: ${a.map((x) => x.toFixed(4)).join(' ')}; none: ${none.map((x) => x.toFixed(4)).join(' ')}`,
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.slice(1), none.slice(1), 'the mask is applied');
  });

  it('recovers from a NaN step with the last good weights and a lower learning rate', async () => {
    const tr = await trainer({ faultAtStep: 25 });
    let recovered: string | null = null;
    for (let k = 0; k < 40; k++) {
      const r = runSync(tr.trainStep());
      if (r.recovered) recovered = r.recovered;
      else assert.ok(Number.isFinite(r.loss));
    }
    console.log(`      ${recovered}`);
    assert.match(recovered ?? '', /diverged at step 25.*step 20.*halved/);
    assert.equal(tr.lr, training.learningRate / 2);
    assert.ok(tr.weights().data.every(Number.isFinite));
    tr.dispose();
  });

  it('keeps tf tensor count and wasm memory flat across train and predict steps', async () => {
    const backend = await wasmBackend();
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const tr = await trainer();
    for (let k = 0; k < 3; k++) runSync(tr.trainStep());
    const p0 = Predictor.from(tr.weights(), vocab);
    p0.predict(doc, 500, 5, 16);
    const tensors = tf.memory().numTensors;
    const bytes = heap();
    for (let k = 0; k < 20; k++) {
      runSync(tr.trainStep());
      const p = Predictor.from(tr.weights(), vocab);
      p.predict(doc, (k * 977) % text.length, 5, 16);
    }
    runSync(tr.evaluate());
    console.log(
      `      tf tensors ${tensors} → ${tf.memory().numTensors}; wasm heap ${bytes} → ${heap()} bytes (${backend.name})`,
    );
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(heap(), bytes);
    tr.dispose();
  });
});
