// Data-parallel training on two threads (gradWorker bundle): the same gradient as one thread, the same
// loss curve for the same seed, and nothing left behind when it is disposed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import { DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../../../src/model/config';
import { TextDoc } from '../../../src/model/textDoc';
import { runSync, startTrainer, Trainer } from '../../../src/model/trainer';
import { Vocab } from '../../../src/model/vocab';
import { wasmBackend } from './helpers';

const GRAD_WORKER = path.resolve(__dirname, '../../../cli/gradWorker.js');
const model: ModelConfig = { hiddenSize: 32, layers: 2, embeddingSize: 16, maxVocab: 64 };
const training: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  seqLength: 32,
  batchSize: 8,
  learningRate: 1e-2,
  seed: 7,
};
const doc = new TextDoc(generateCorpus(20000, 2), 1);
const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
const ids = vocab.ids(doc.syms);

async function make(threads: number): Promise<Trainer> {
  const { arena } = await wasmBackend();
  return startTrainer(
    { model, training, arena, ids, vocabSize: vocab.size },
    { threads, gradWorkerFile: GRAD_WORKER, log: (m) => assert.fail(m) },
  );
}

describe('model/data-parallel training (2 threads)', function () {
  this.timeout(30000);

  it('follows the one-thread loss curve (same gradient up to rounding)', async () => {
    const one = await make(1);
    const two = await make(2);
    assert.equal(two.threads, 2);
    let maxRel = 0;
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < 6; k++) {
      a.push(runSync(one.trainStep()).loss);
      b.push(runSync(two.trainStep()).loss);
      maxRel = Math.max(maxRel, Math.abs(a[k] - b[k]) / a[k]);
    }
    console.log(`      1 thread ${a.map((x) => x.toFixed(5)).join(' ')}`);
    console.log(`      2 threads ${b.map((x) => x.toFixed(5)).join(' ')} (max rel. diff ${maxRel.toExponential(1)})`);
    assert.ok(maxRel < 1e-4, `loss curves diverge: ${maxRel}`);
    one.dispose();
    two.dispose();
  });

  it('is reproducible: same seed, same losses, and frees its buffers', async () => {
    const { arena } = await wasmBackend();
    const live = arena.liveBuffers;
    const curve = async () => {
      const tr = await make(2);
      const out = Array.from({ length: 6 }, () => runSync(tr.trainStep()).loss);
      out.push(runSync(tr.evaluate())!);
      tr.dispose();
      return out;
    };
    const a = await curve();
    const b = await curve();
    assert.deepEqual(a, b);
    assert.equal(arena.liveBuffers, live);
  });
});
