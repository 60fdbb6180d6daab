// Speed per core: one thread trains one shard's batch (B=16, as each of two threads does with batch 32) on the
// generated corpus, Adam and clipping included, at H=128 and H=256 (`npm run bench -- --core [--hidden H]
// [--layers L] [--seconds S]`). Two trainers take turns in blocks of steps, so both see the same machine load:
// one with the arena's SIMD kernels (engine/kernels.wat), one on the same heap running the JS loops
// (`--solo`: the kernels' trainer alone, for a profile).
import * as os from 'node:os';
import { WasmArena, type Arena } from '../model/arena';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../model/config';
import { TextDoc } from '../model/textDoc';
import { runSync, Trainer } from '../model/trainer';
import { Vocab } from '../model/vocab';
import { generateCorpus } from './corpus';

/** Median chars/s of interleaved single-thread steps (after a warm-up), per hidden size, kernels vs JS loops. */
export function printCoreSpeeds(arena: Arena, hidden: number[], layers: number, seconds: number, solo = false): void {
  const doc = new TextDoc(generateCorpus(300_000, 2024), 1);
  const training: TrainingConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    seqLength: 64,
    batchSize: 16, // one of two shards of the benchmark's batch 32
    learningRate: 2e-3,
    clipNorm: 5,
    dropout: 0,
  };
  const arenas: [string, Arena][] = [['SIMD kernels', arena]];
  if (!solo && arena instanceof WasmArena && arena.kernels) arenas.push(['JS loops', arena.withoutKernels()]);
  for (const H of hidden) {
    const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: H, layers, embeddingSize: 32 };
    const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
    const ids = vocab.ids(doc.syms);
    const runs = arenas.map(([name, a]) => ({
      name,
      tr: new Trainer({ model, training, arena: a, ids, vocabSize: vocab.size, threads: 1 }),
      ms: [] as number[],
    }));
    for (const r of runs) for (let k = 0; k < 5; k++) runSync(r.tr.trainStep()); // warm-up: packing, V8
    const end = performance.now() + seconds * 1000 * runs.length;
    while (performance.now() < end)
      for (const r of runs)
        for (let k = 0; k < 3; k++) {
          const t = performance.now();
          runSync(r.tr.trainStep());
          r.ms.push(performance.now() - t);
        }
    const cps = runs.map((r) => (r.tr.charsPerStep / median(r.ms)) * 1000);
    runs.forEach((r, j) =>
      console.log(
        `  core H=${H} L=${layers} B=16 T=64, ${r.name.padEnd(12)}: ${String(Math.round(cps[j])).padStart(6)} chars/s ` +
          `(${median(r.ms).toFixed(2)} ms/step, median of ${r.ms.length})`,
      ),
    );
    if (runs.length > 1) console.log(`  H=${H} L=${layers}: kernels ÷ JS loops ${(cps[0] / cps[1]).toFixed(2)}×`);
    console.log(
      `  (interleaved in blocks of 3 steps, load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores)`,
    );
    for (const r of runs) r.tr.dispose();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
