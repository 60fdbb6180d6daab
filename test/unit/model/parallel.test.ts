// Data-parallel training (gradWorker bundle): the same gradient as one thread (max difference printed), the
// same loss curve for the same seed and thread count whether a shard ran on its helper or on the trainer's
// thread, helpers that fail to start or die mid-run fall back to one thread without losing anything, and
// nothing is left behind when it is disposed.
import { availableParallelism } from 'node:os';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import { DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../../../src/model/config';
import { nodeHelperSpawn, type SpawnHelper } from '../../../src/model/gradShard';
import { DEFAULT_PARALLEL_CONFIG, type ParallelConfig } from '../../../src/model/parallel';
import { TextDoc } from '../../../src/model/textDoc';
import { runSync, startTrainer, Trainer } from '../../../src/model/trainer';
import { Vocab } from '../../../src/model/vocab';
import { maxAbsDiff, wasmBackend } from './helpers';

const GRAD_WORKER = path.resolve(__dirname, '../../../cli/gradWorker.js');
const spawn = nodeHelperSpawn(GRAD_WORKER);
const model: ModelConfig = { hiddenSize: 32, layers: 2, embeddingSize: 16, maxVocab: 64 };
const training: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  seqLength: 32,
  batchSize: 12,
  learningRate: 1e-2,
  seed: 7,
};
const doc = new TextDoc(generateCorpus(20000, 2), 1);
const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
const ids = vocab.ids(doc.syms);
/** Probes every 0 s: the steps alternate between helpers and the trainer's thread all the time. */
const flipping: ParallelConfig = { ...DEFAULT_PARALLEL_CONFIG, probeSteps: 1, probeEverySec: 0 };

async function make(
  threads: number,
  opts: {
    cfg?: ModelConfig;
    train?: TrainingConfig;
    spawn?: SpawnHelper;
    parallel?: ParallelConfig;
    background?: boolean;
  } = {},
): Promise<Trainer> {
  const { arena } = await wasmBackend();
  return startTrainer(
    { model: opts.cfg ?? model, training: opts.train ?? training, arena, ids, vocabSize: vocab.size },
    {
      threads,
      cores: availableParallelism(),
      spawn: opts.spawn ?? spawn,
      parallel: opts.parallel,
      background: opts.background,
      log: () => {},
    },
  );
}

const losses = (tr: Trainer, n: number) => Array.from({ length: n }, () => runSync(tr.trainStep()).loss);

describe('model/data-parallel training', function () {
  this.timeout(60000);

  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: the gradient with helpers equals one thread's (max difference printed)`, async () => {
      const cfg = { ...model, cell };
      const one = await make(1, { cfg });
      const three = await make(3, { cfg });
      assert.equal(three.shardCount, 3);
      // Same weights and window: the first step's gradient, before Adam moves anything.
      one.graph.setWeights(three.graph.params.v);
      const g1: Float32Array[] = [];
      const grab = (tr: Trainer) => {
        const gen = tr.trainStep();
        const orig = tr.graph.weightsChanged.bind(tr.graph);
        // Adam calls weightsChanged after the update: take the combined gradient just before it.
        tr.graph.weightsChanged = () => {
          g1.push(tr.graph.grads.v.slice());
          tr.graph.weightsChanged = orig;
          orig();
        };
        return runSync(gen).loss;
      };
      const l1 = grab(one);
      const l3 = grab(three);
      const diff = maxAbsDiff(g1[0], g1[1]);
      let scale = 0;
      for (const x of g1[0]) scale = Math.max(scale, Math.abs(x));
      console.log(
        `      ${cell}: loss 1 thread ${l1.toFixed(6)}, 3 threads ${l3.toFixed(6)}; gradient max |diff| ${diff.toExponential(2)} (max |g| ${scale.toExponential(2)})`,
      );
      assert.ok(Math.abs(l1 - l3) < 1e-5 * l1, `losses ${l1} vs ${l3}`);
      assert.ok(diff <= 1e-5 * scale + 1e-7, `gradients differ by ${diff}`);
      one.dispose();
      three.dispose();
    });
  }

  it('follows the one-thread loss curve (same gradient up to rounding)', async () => {
    const one = await make(1);
    const two = await make(2);
    assert.equal(two.threads, 2);
    const a = losses(one, 6);
    const b = losses(two, 6);
    const maxRel = Math.max(...a.map((x, k) => Math.abs(x - b[k]) / x));
    console.log(`      1 thread ${a.map((x) => x.toFixed(5)).join(' ')}`);
    console.log(`      2 threads ${b.map((x) => x.toFixed(5)).join(' ')} (max rel. diff ${maxRel.toExponential(1)})`);
    assert.ok(maxRel < 1e-4, `loss curves diverge: ${maxRel}`);
    one.dispose();
    two.dispose();
  });

  it('is reproducible: same seed and thread count, same losses, wherever the shards ran; frees its buffers', async () => {
    const { arena } = await wasmBackend();
    const live = arena.liveBuffers;
    const curve = async (opts: Parameters<typeof make>[1]) => {
      const tr = await make(3, opts);
      const out = losses(tr, 8);
      out.push(runSync(tr.evaluate())!);
      const threads = tr.governor.note;
      tr.dispose();
      return { out, threads };
    };
    const a = await curve({});
    const b = await curve({});
    const flip = await curve({ parallel: flipping });
    const none = await curve({ spawn: nodeHelperSpawn(path.join(__dirname, 'no-such-worker.js')) });
    assert.deepEqual(a.out, b.out);
    assert.deepEqual(flip.out, a.out, 'steps alternating between helpers and this thread');
    assert.deepEqual(none.out, a.out, 'helpers that never started');
    assert.match(none.threads, /^1 thread trains: .*did not start/);
    assert.equal(arena.liveBuffers, live);
  });

  it('with dropout: every shard draws its part of one mask, so the curve is the same wherever the shards ran', async () => {
    const dropped = { ...training, dropout: 0.25 };
    const curve = async (opts: Parameters<typeof make>[1]) => {
      const tr = await make(3, { train: dropped, ...opts });
      const out = losses(tr, 6);
      tr.dispose();
      return out;
    };
    const helpers = await curve({});
    const flip = await curve({ parallel: flipping });
    const none = await curve({ spawn: nodeHelperSpawn(path.join(__dirname, 'no-such-worker.js')) });
    const plain = await curve({ train: training });
    assert.deepEqual(flip, helpers, 'steps alternating between helpers and this thread');
    assert.deepEqual(none, helpers, 'every shard on the trainer thread');
    assert.notDeepEqual(plain, helpers, 'dropout changes the curve');
  });

  it('helpers started in the background join a run already training, with the same curve', async () => {
    const ref = await make(3);
    const want = losses(ref, 10);
    ref.dispose();
    const tr = await make(3, { background: true });
    assert.equal(tr.threads, 1, 'trains before the helpers are up');
    assert.match(tr.governor.note, /^1 thread trains while 2 helper threads start/);
    const got = losses(tr, 2);
    for (let k = 0; k < 200 && tr.governor.mode !== 'parallel'; k++) await new Promise((r) => setTimeout(r, 25));
    got.push(...losses(tr, 8));
    assert.equal(tr.threads, 3);
    assert.deepEqual(got, want);
    tr.dispose();
  });

  it('a helper that dies mid-run: one thread from then on, with a message, and the same curve', async () => {
    const ref = await make(2);
    const want = losses(ref, 8);
    ref.dispose();
    const tr = await make(2);
    const got = losses(tr, 4);
    assert.equal(tr.threads, 2);
    await tr.killHelperForTesting(1);
    await new Promise((r) => setTimeout(r, 50)); // the thread's exit event
    got.push(...losses(tr, 4));
    assert.equal(tr.threads, 1);
    assert.match(tr.governor.note, /^1 thread trains: the helper thread stopped/);
    assert.deepEqual(got, want);
    tr.dispose();
  });
});
