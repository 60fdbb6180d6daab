// `npm run pretrain`: trains the base model on the package corpus (pretrainCorpus.ts) on every core, with a
// warm-up and cosine learning-rate schedule, checkpoints that a later run (or session) resumes from, and writes
// the shipped base (binary16) with a manifest of every source, the split, the steps, the time and the held-out bpc.
//   npm run pretrain -- [--minutes M] [--steps TOTAL] [--hidden H] [--threads N] [--out DIR] [--cache DIR]
//                       [--until STEP]    (this run stops at that step; the schedule still plans for --steps)
//                       [--fixture DIR]   (tests: every file under DIR is one source, no packages fetched)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../model/backend';
import { saveBase, type BaseInfo } from '../model/base/baseFile';
import { resolveModelConfig, resolveTrainingConfig, type ModelConfig, type TrainingConfig } from '../model/config';
import { trainGraphFor } from '../model/engine/trainGraph';
import type { ModelWeights } from '../model/params';
import { bitsPerChar, runSync, type Trainer, type TrainerState } from '../model/trainer';
import { charTokenizer, Vocab } from '../model/vocab';
import { sha256Hex } from '../shared/sha256';
import { numberOption, parseArgs } from './args';
import { nodeTrainers, threadsOption } from './nodeTrainer';
import {
  assembleCorpus,
  joinDocs,
  LANGUAGES,
  lockfileSources,
  SOURCES,
  type Corpus,
  type Language,
  type Source,
} from './pretrainCorpus';

/** How the base is pretrained: data, with the reason for each value. */
export const PRETRAIN_CONFIG = {
  hiddenSize: 128, // the extension's default size: the base is what a user gets without touching a setting
  layers: 1,
  embeddingSize: 32,
  maxVocab: 256,
  seqLength: 128, // twice the fine-tuning window: a longer BPTT span for strings, brackets and indentation
  batchSize: 32,
  peakLearningRate: 2e-3, // char-rnn's Adam rate, reached after the warm-up
  warmupSteps: 300, // a linear start keeps the first Adam steps on fresh weights from overshooting
  finalLearningRateFraction: 0.05, // cosine decay to 5 % of the peak at the planned last step
  totalSteps: 60_000, // the plan the schedule decays over (~250M characters); runs resume until it is reached
  baseVocabMax: 160, // ASCII and the common symbols; leaves ~95 rows for each document's own characters
  minSymbolShare: 2e-6, // a symbol rarer than this in the corpus is left to the documents that use it
  checkpointEverySec: 300, // a stopped run loses at most five minutes
  evalTokensPerLanguage: 32_768, // per-language held-out bpc in the progress log (all of it at the end)
  seed: 2026,
} as const;

/** The learning rate at a step: linear warm-up, then cosine decay to a floor at the planned end. */
export function learningRateAt(
  step: number,
  cfg: Pick<typeof PRETRAIN_CONFIG, 'peakLearningRate' | 'warmupSteps' | 'finalLearningRateFraction'> & {
    totalSteps: number;
  },
): number {
  const { peakLearningRate: peak, warmupSteps: warm, finalLearningRateFraction: floor, totalSteps: total } = cfg;
  if (step < warm) return (peak * (step + 1)) / warm;
  const p = Math.min(1, (step - warm) / Math.max(1, total - warm));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
}

/** The base vocabulary: the corpus's symbols that are common enough, most frequent first up to the cap. */
export function baseVocabulary(syms: Int32Array, max: number, minShare: number): Vocab {
  const counts = new Map<number, number>();
  for (const s of syms) counts.set(s, (counts.get(s) ?? 0) + 1);
  const minCount = Math.max(2, Math.ceil(minShare * syms.length));
  const ranked = [...counts.entries()].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return new Vocab(
    ranked
      .slice(0, max - 1)
      .map(([s]) => s)
      .sort((a, b) => a - b),
  );
}

interface Run {
  started: string;
  steps: number;
  seconds: number;
  threads: string;
}

interface CheckpointHeader {
  format: 'lstm-lens-pretrain-checkpoint';
  corpusSha256: string;
  model: ModelConfig;
  training: TrainingConfig;
  totalSteps: number;
  vocab: number[];
  trainer: Omit<TrainerState, 'params' | 'm' | 'v' | 'state'>;
  stateLengths: number[];
  seconds: number;
  runs: Run[];
  curve: { step: number; seconds: number; heldOutBpc: number }[];
}

const f32Bytes = (xs: Float32Array[]) => {
  const n = xs.reduce((a, x) => a + x.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return new Uint8Array(out.buffer);
};

function writeCheckpoint(dir: string, head: CheckpointHeader, s: TrainerState): void {
  fs.mkdirSync(dir, { recursive: true });
  const { params, m, v, state, ...rest } = s;
  const header: CheckpointHeader = { ...head, trainer: rest, stateLengths: (state ?? []).map((x) => x.length) };
  const bin = f32Bytes([params, m, v, ...(state ?? [])]);
  // Written beside, then renamed: a run killed mid-write leaves the previous checkpoint whole.
  fs.writeFileSync(path.join(dir, 'checkpoint.bin.tmp'), bin);
  fs.writeFileSync(
    path.join(dir, 'checkpoint.json.tmp'),
    JSON.stringify({ ...header, binSha256: sha256Hex(bin) }, null, 1),
  );
  fs.renameSync(path.join(dir, 'checkpoint.bin.tmp'), path.join(dir, 'checkpoint.bin'));
  fs.renameSync(path.join(dir, 'checkpoint.json.tmp'), path.join(dir, 'checkpoint.json'));
}

function readCheckpoint(dir: string): { head: CheckpointHeader; state: TrainerState } | null {
  const jf = path.join(dir, 'checkpoint.json');
  if (!fs.existsSync(jf)) return null;
  const head = JSON.parse(fs.readFileSync(jf, 'utf8')) as CheckpointHeader & { binSha256: string };
  const bin = fs.readFileSync(path.join(dir, 'checkpoint.bin'));
  if (sha256Hex(new Uint8Array(bin)) !== head.binSha256)
    throw new Error(`${dir}/checkpoint.bin does not match its header`);
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const P = (all.length - head.stateLengths.reduce((a, b) => a + b, 0)) / 3;
  let o = 3 * P;
  const state = head.stateLengths.map((n) => all.slice(o, (o += n)));
  return {
    head,
    state: {
      ...head.trainer,
      params: all.slice(0, P),
      m: all.slice(P, 2 * P),
      v: all.slice(2 * P, 3 * P),
      state: state.length ? state : null,
    },
  };
}

/** Held-out bpc per language (and over all held-out text) of some weights, at most `maxTokens` positions each. */
function perLanguageBpc(
  w: ModelWeights,
  held: Map<Language, Int32Array>,
  arena: Parameters<typeof trainGraphFor>[0],
  maxTokens: number,
): Record<string, number> {
  const g = trainGraphFor(arena, w.config, w.vocabSize, 16, 64);
  g.setWeights(w.data);
  const out: Record<string, number> = {};
  let bits = 0;
  let n = 0;
  for (const [lang, ids] of held) {
    const bpc = runSync(bitsPerChar(g, ids, maxTokens));
    if (bpc === null) continue;
    out[lang] = Number(bpc.toFixed(4));
    const scored = Math.min(ids.length - 1, maxTokens);
    bits += bpc * scored;
    n += scored;
  }
  g.dispose();
  if (n > 0) out.all = Number((bits / n).toFixed(4));
  return out;
}

/** Every file under `dir` as one source (for the test of this tool): language from the file's extension. */
function fixtureSources(dir: string): Source[] {
  // (each extension's language; the fixture stands in for the packages, read in place)
  const byExt: Record<string, Language> = {
    '.py': 'python',
    '.js': 'javascript',
    '.ts': 'typescript',
    '.c': 'c',
    '.md': 'markdown',
    '.txt': 'prose',
  };
  return [
    {
      origin: 'npm',
      name: 'fixture',
      licence: 'MIT',
      pick: (rel) => byExt[path.extname(rel)] ?? null,
      version: '0.0.0',
      dir,
    },
  ];
}

const fmtSec = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;

async function main(): Promise<void> {
  const { opt } = parseArgs(process.argv.slice(2));
  const root = path.resolve(__dirname, '../..');
  const out = path.resolve(opt.get('out') ?? path.join(root, 'media/base'));
  const ckDir = path.join(out, 'checkpoint');
  const cache = path.resolve(opt.get('cache') ?? path.join(root, '.cache/pretrain'));
  const minutes = numberOption(opt, 'minutes', 60, true);
  const cfg = { ...PRETRAIN_CONFIG, totalSteps: numberOption(opt, 'steps', PRETRAIN_CONFIG.totalSteps, true) };
  const until = numberOption(opt, 'until', cfg.totalSteps, true);
  const fixture = opt.get('fixture');
  const log = (m: string) => console.log(m);

  const t0 = performance.now();
  let corpus: Corpus;
  if (fixture) corpus = assembleCorpus(cache, { sources: fixtureSources(path.resolve(fixture)), log });
  else {
    const named = new Set(SOURCES.filter((s) => s.origin === 'npm').map((s) => s.name));
    corpus = assembleCorpus(cache, { sources: [...SOURCES, ...lockfileSources(root, named)], log });
  }
  const trainText = joinDocs(corpus.train);
  const corpusSha256 = sha256Hex(trainText);
  const tokens = charTokenizer.tokenize(trainText);
  const heldByLang = new Map<Language, string>();
  for (const d of corpus.heldOut) heldByLang.set(d.language, (heldByLang.get(d.language) ?? '') + d.text + '\n');
  const trainChars: Partial<Record<Language, number>> = {};
  for (const d of corpus.train) trainChars[d.language] = (trainChars[d.language] ?? 0) + d.text.length;
  log(
    `corpus ${(trainText.length / 1e6).toFixed(1)} M chars in ${corpus.train.length} documents from ${corpus.sources.length} packages ` +
      `(${LANGUAGES.filter((l) => trainChars[l])
        .map((l) => `${l} ${((trainChars[l] ?? 0) / 1e6).toFixed(2)}M`)
        .join(', ')}); ` +
      `held out ${[...heldByLang.values()].reduce((a, t) => a + t.length, 0).toLocaleString('en-US')} chars; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );

  const prior = readCheckpoint(ckDir);
  if (prior && prior.head.corpusSha256 !== corpusSha256)
    throw new Error(`the checkpoint in ${ckDir} was trained on another corpus (move it away to start over)`);
  const vocab = prior ? new Vocab(prior.head.vocab) : baseVocabulary(tokens.syms, cfg.baseVocabMax, cfg.minSymbolShare);
  const model = resolveModelConfig({
    hiddenSize: numberOption(opt, 'hidden', cfg.hiddenSize, true),
    layers: cfg.layers,
    embeddingSize: cfg.embeddingSize,
    maxVocab: cfg.maxVocab,
  });
  if (prior && JSON.stringify(prior.head.model) !== JSON.stringify(model))
    throw new Error(`the checkpoint is of another model (${JSON.stringify(prior.head.model)})`);
  const heldIds = new Map<Language, Int32Array>();
  for (const [lang, text] of heldByLang) heldIds.set(lang, vocab.ids(charTokenizer.tokenize(text).syms));
  const allHeld = vocab.ids(charTokenizer.tokenize([...heldByLang.values()].join('')).syms);
  const trainIds = vocab.ids(tokens.syms);
  const ids = new Int32Array(trainIds.length + allHeld.length);
  ids.set(trainIds);
  ids.set(allHeld, trainIds.length);
  const training = resolveTrainingConfig({
    seqLength: cfg.seqLength,
    batchSize: cfg.batchSize,
    learningRate: cfg.peakLearningRate,
    heldOutFraction: Math.min(0.5, allHeld.length / ids.length + 1e-9),
    timeBudgetSec: 0,
    seed: cfg.seed,
  });
  const backend = await initBackend('wasm', { log: (l, m) => console.error(`[${l}] ${m}`) });
  const tr: Trainer = await nodeTrainers(threadsOption(opt))({
    model,
    training,
    arena: backend.arena,
    ids,
    vocabSize: vocab.size,
    evalMaxTokens: 16_384,
  });
  if (prior) tr.importState(prior.state);
  const runs: Run[] = prior?.head.runs ?? [];
  const curve = prior?.head.curve ?? [];
  const secondsBefore = prior?.head.seconds ?? 0;
  const run: Run = { started: new Date().toISOString(), steps: 0, seconds: 0, threads: '' };
  runs.push(run);
  log(
    `${prior ? `resuming at step ${tr.step}` : 'starting'}: H=${model.hiddenSize} L=${model.layers}, vocabulary ${vocab.size}, ` +
      `B=${tr.B} T=${tr.T}, plan ${cfg.totalSteps} steps, ${backend.detail}; ${tr.governor.note}`,
  );

  let stopping = false;
  process.on('SIGINT', () => (stopping = true));
  process.on('SIGTERM', () => (stopping = true));
  const runStart = performance.now();
  const firstStep = tr.step;
  const elapsed = () => (performance.now() - runStart) / 1000;
  let lastLog = 0;
  let lastCk = 0;
  let lastNote = '';
  const rate: { t: number; step: number }[] = [];

  const save = (final: boolean) => {
    run.steps = tr.step - firstStep;
    run.seconds = Number(elapsed().toFixed(1));
    run.threads = tr.governor.note;
    const w = tr.weights();
    const bpc = perLanguageBpc(w, heldIds, backend.arena, final ? Number.MAX_SAFE_INTEGER : cfg.evalTokensPerLanguage);
    curve.push({ step: tr.step, seconds: Number((secondsBefore + elapsed()).toFixed(0)), heldOutBpc: bpc.all });
    writeCheckpoint(
      ckDir,
      {
        format: 'lstm-lens-pretrain-checkpoint',
        corpusSha256,
        model,
        training,
        totalSteps: cfg.totalSteps,
        vocab: [...vocab.symbols],
        trainer: null as never,
        stateLengths: [],
        seconds: secondsBefore + elapsed(),
        runs,
        curve,
      },
      tr.exportState(),
    );
    const info: BaseInfo = { steps: tr.step, corpusChars: trainText.length, heldOutBpc: bpc };
    const saved = saveBase(w, vocab, info);
    fs.writeFileSync(path.join(out, 'base.json'), saved.json + '\n');
    fs.writeFileSync(path.join(out, 'base.f16.bin'), saved.weights);
    const manifest = {
      base: JSON.parse(saved.json).id as string,
      weightsSha256: sha256Hex(saved.weights),
      weightsBytes: saved.weights.byteLength,
      model,
      vocabulary: {
        classes: vocab.size,
        rule: `the corpus's symbols with a share of at least ${cfg.minSymbolShare}, at most ${cfg.baseVocabMax - 1}, plus <unk>`,
      },
      schedule: {
        optimiser: 'Adam (β 0.9, 0.999), global-norm clip 5',
        learningRate: `linear warm-up over ${cfg.warmupSteps} steps to ${cfg.peakLearningRate}, cosine decay to ${cfg.finalLearningRateFraction * 100} % of it at step ${cfg.totalSteps}`,
        batch: `${tr.B} streams × ${tr.T} characters, truncated BPTT with carried state`,
        learningRateNow: Number(learningRateAt(tr.step, cfg).toExponential(3)),
      },
      steps: tr.step,
      plannedSteps: cfg.totalSteps,
      trainingSeconds: Number((secondsBefore + elapsed()).toFixed(0)),
      charactersSeen: tr.step * tr.B * tr.T,
      runs,
      corpus: {
        sha256: corpusSha256,
        trainChars: trainText.length,
        trainCharsPerLanguage: trainChars,
        heldOutCharsPerLanguage: Object.fromEntries([...heldByLang].map(([l, t]) => [l, t.length])),
        heldOutRule:
          "a hash of each document path puts 3 % of every language's documents aside (at most 120,000 characters per language)",
        sources: corpus.sources,
      },
      heldOutBpc: bpc,
      heldOutBpcMeasured: final
        ? 'all held-out text of each language'
        : `the first ${cfg.evalTokensPerLanguage} held-out positions of each language`,
      curve,
    };
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    log(
      `checkpoint at step ${tr.step}: held-out bpc ${Object.entries(bpc)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ')}`,
    );
  };

  const tick = () => new Promise<void>((r) => setImmediate(r));
  while (!stopping && tr.step < Math.min(until, cfg.totalSteps) && elapsed() < minutes * 60) {
    tr.lr = learningRateAt(tr.step, cfg);
    const gen = tr.trainStep();
    let last = performance.now();
    for (;;) {
      const r = gen.next();
      if (r.done) {
        if (r.value.recovered) log(`recovered: ${r.value.recovered}`);
        break;
      }
      if (performance.now() - last > 20) {
        await tick(); // lets helper threads' messages in
        last = performance.now();
      }
    }
    const t = elapsed();
    rate.push({ t, step: tr.step });
    while (rate.length > 2 && t - rate[0].t > 120) rate.shift();
    if (tr.governor.note !== lastNote) {
      lastNote = tr.governor.note;
      log(lastNote);
    }
    if (t - lastLog >= 30) {
      lastLog = t;
      const sps =
        rate.length > 1 ? (rate[rate.length - 1].step - rate[0].step) / (rate[rate.length - 1].t - rate[0].t) : 0;
      const left = Math.min(cfg.totalSteps - tr.step, sps > 0 ? (minutes * 60 - t) * sps : Infinity);
      const eta = sps > 0 ? (cfg.totalSteps - tr.step) / sps : Infinity;
      log(
        `step ${tr.step}/${cfg.totalSteps} (${((100 * tr.step) / cfg.totalSteps).toFixed(1)} %)  lr ${tr.lr.toExponential(2)}  ` +
          `${Math.round(sps * tr.B * tr.T).toLocaleString('en-US')} chars/s  epoch ${tr.epochProgress.toFixed(2)}  ` +
          `ETA to the plan ${Number.isFinite(eta) ? fmtSec(eta) : '-'} (this run stops in ${fmtSec(Math.max(0, minutes * 60 - t))}, ~${Math.round(left)} more steps)`,
      );
    }
    if (t - lastCk >= cfg.checkpointEverySec) {
      lastCk = t;
      save(false);
    }
  }
  save(true);
  log(
    `${tr.step >= cfg.totalSteps ? 'plan complete' : 'stopped; run it again to resume'} at step ${tr.step}; wrote ${out}`,
  );
  tr.dispose();
  process.exit(0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
