// Speed per core: one thread trains one shard's batch (B=16, as each of two threads does with batch 32) on the
// generated corpus, Adam and clipping included, at H=128 and H=256 (`npm run bench -- --core [--layers L]
// [--seconds S]`). Prints chars/s and the load average; run two builds alternately to compare them.
import * as os from 'node:os';
import type { Arena } from '../model/arena';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../model/config';
import { TextDoc } from '../model/textDoc';
import { runSync, Trainer } from '../model/trainer';
import { Vocab } from '../model/vocab';
import { generateCorpus } from './corpus';

/** Median chars/s of `seconds` of single-thread steps (after a warm-up), per hidden size. */
export function printCoreSpeeds(arena: Arena, hidden: number[], layers: number, seconds: number): void {
  const doc = new TextDoc(generateCorpus(300_000, 2024), 1);
  const training: TrainingConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    seqLength: 64,
    batchSize: 16, // one of two shards of the benchmark's batch 32
    learningRate: 2e-3,
    clipNorm: 5,
    dropout: 0,
  };
  for (const H of hidden) {
    const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: H, layers, embeddingSize: 32 };
    const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
    const tr = new Trainer({ model, training, arena, ids: vocab.ids(doc.syms), vocabSize: vocab.size, threads: 1 });
    for (let k = 0; k < 5; k++) runSync(tr.trainStep()); // warm-up: XNNPACK packs, V8 optimises
    const ms: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      runSync(tr.trainStep());
      ms.push(performance.now() - t);
    }
    const med = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
    console.log(
      `  core H=${H} L=${layers} B=16 T=64: ${Math.round((tr.charsPerStep / med) * 1000)} chars/s ` +
        `(${med.toFixed(2)} ms/step, median of ${ms.length}, load average ${os.loadavg()[0].toFixed(2)})`,
    );
    tr.dispose();
  }
}
