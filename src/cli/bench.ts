// The benchmark (npm run bench [-- --quick]): our engine vs the typical tf.layers implementation on a
// generated ~1 MB text; prints a table. Figures, not assertions.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, type ModelConfig, type TrainingConfig } from '../model/config';
import { Predictor } from '../model/inference';
import { stateSize } from '../model/lstm';
import { Rng } from '../model/rng';
import { TextDoc } from '../model/textDoc';
import { Trainer } from '../model/trainer';
import { runTraining } from '../model/trainingRun';
import { Vocab } from '../model/vocab';
import { generateCorpus } from './corpus';

const quick = process.argv.includes('--quick');
const SIZE = quick ? 200_000 : 1_000_000; // chars of generated text
const TRAIN_SEC = quick ? 8 : 60; // training budget per hidden size
const QUERIES = quick ? 100 : 300; // cursor queries per latency figure
const rows: [string, string, string][] = [];
const row = (what: string, value: string, target = '') => {
  rows.push([what, value, target]);
  console.error(`  ${what}: ${value}`);
};
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const rss0 = rssMB();
  let peak = rss0;
  const sample = () => (peak = Math.max(peak, rssMB()));
  const backend = await initBackend('wasm', { log: (l, m) => console.error(`[${l}] ${m}`) });
  const text = generateCorpus(SIZE, 2024);
  const doc = new TextDoc(text, 1);
  console.error(`${quick ? 'QUICK ' : ''}bench: ${text.length} chars generated, backend ${backend.detail}`);
  const training: TrainingConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    seqLength: 64,
    batchSize: 32,
    learningRate: 2e-3,
    clipNorm: 5,
  };
  let predictor: Predictor | null = null;
  const ours: Record<number, number> = {};
  for (const H of [128, 256]) {
    const model: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hiddenSize: H, embeddingSize: 32 };
    const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
    const tr = new Trainer({
      model,
      training,
      arena: backend.arena,
      ids: vocab.ids(doc.syms),
      vocabSize: vocab.size,
      evalMaxTokens: 16384,
    });
    const res = await runTraining(
      tr,
      { timeBudgetSec: TRAIN_SEC, maxEpochs: 0, evalEveryMs: 1e9, finalEvalTokens: 1e9 },
      { onProgress: sample, onRecovered: (m) => console.error(m), onSnapshot: () => {}, shouldStop: () => false },
    );
    sample();
    ours[H] = res.medianCharsPerSec;
    row(
      `train chars/s, H=${H} (median step)`,
      Math.round(res.medianCharsPerSec).toString(),
      H === 128 ? '≥ 20000' : '',
    );
    row(
      `held-out bpc after ${TRAIN_SEC} s, H=${H} (${tr.step} steps)`,
      res.latest?.heldOutBpc?.toFixed(3) ?? '-',
      H === 128 ? '≤ 2.5' : '',
    );
    if (H === 128) predictor = Predictor.from(tr.weights(), vocab, undefined, backend.arena);
    tr.dispose();
  }
  const p = predictor!;

  // Single step (batch 1: XNNPACK matvec + JS gate loop, with the gate trace), H=128.
  const state = new Float32Array(stateSize(p.w));
  const trace = Array.from({ length: p.w.L }, () => new Float32Array(6 * p.w.H));
  for (let k = 0; k < 2000; k++) p.engine.step(state, k % p.w.V, trace, 0);
  const n = 20000;
  const s0 = performance.now();
  for (let k = 0; k < n; k++) p.engine.step(state, k % p.w.V, trace, 0);
  row('single inference step, H=128', `${(((performance.now() - s0) / n) * 1000).toFixed(1)} µs`, '≤ 100 µs');

  // Cursor-to-answer at random offsets: cold segment, warm (cursor moves a little), right after an edit.
  const rng = new Rng(99);
  const offsets = Array.from({ length: QUERIES }, () => rng.int(text.length));
  const time = (f: () => void) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const cold = offsets.map((o) => time(() => p.predict(doc, o, 10, 64)));
  const warm = offsets.map((o) => time(() => p.predict(doc, Math.min(text.length, o + 1 + rng.int(4)), 10, 64)));
  const edit = offsets.map((o) =>
    time(() => {
      p.invalidateFrom(doc.applyEdits([{ offset: o, deleteCount: 0, text: 'x' }], doc.version + 1));
      p.predict(doc, o + 1, 10, 64);
    }),
  );
  sample();
  const lat = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;
  row('cursor-to-answer, warm cache (top-10, 64-step trace)', lat(warm), 'p95 ≤ 8 ms');
  row('cursor-to-answer, cold segment', lat(cold), 'p95 ≤ 8 ms');
  row('cursor-to-answer, right after an edit (edit + answer)', lat(edit), 'p95 ≤ 8 ms');

  // Baseline: the typical tfjs Layers model (one-hot → lstm → dense softmax), fit on wasm.
  for (const H of [128, 256]) {
    const cps = await baseline(H, Math.min(96, DEFAULT_MODEL_CONFIG.maxVocab), quick ? 2 : 3);
    sample();
    row(`tf.layers baseline chars/s, H=${H}`, Math.round(cps).toString());
    row(`speed-up over tf.layers, H=${H}`, `${(ours[H] / cps).toFixed(1)}×`, H === 128 ? '≥ 10×' : '');
  }
  row('peak RSS over start', `${Math.round(peak - rss0)} MB (start ${Math.round(rss0)} MB)`, '≤ 200 MB');
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 10];
  const line = (r: string[]) => `| ${r.map((c, k) => c.padEnd(w[k])).join(' | ')} |`;
  console.log(line(['measure', 'value', 'target']));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** chars/s of model.trainOnBatch for (32, 64) windows, median after one warm-up batch. */
async function baseline(H: number, V: number, batches: number): Promise<number> {
  const B = 32;
  const T = 64;
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: H,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
      inputShape: [T, V],
    }),
  );
  model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: B * (T + 1) }, () => rng.int(V));
  const x = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor2d(
          Array.from({ length: B * T }, (_, k) => ids[k]),
          [B, T],
          'int32',
        ),
        V,
      )
      .toFloat(),
  );
  const y = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor2d(
          Array.from({ length: B * T }, (_, k) => ids[k + 1]),
          [B, T],
          'int32',
        ),
        V,
      )
      .toFloat(),
  );
  const times: number[] = [];
  for (let k = 0; k <= batches; k++) {
    const t = performance.now();
    await model.trainOnBatch(x, y);
    if (k > 0) times.push(performance.now() - t);
  }
  tf.dispose([x, y]);
  model.dispose();
  return ((B * T) / pct(times, 50)) * 1000;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
