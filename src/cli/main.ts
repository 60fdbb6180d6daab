// Command line over the same engine: `train FILE [--start base|scratch] [--seconds N] [--hidden H] [--layers L]
// [--threads N] [--out model.json]`
// and `predict FILE OFFSET [--model model.json] [--top K] [--context N]`.
import * as fs from 'node:fs';
import { initBackend } from '../model/backend';
import { keptModelMessage, runOptionsFor } from '../model/bestModel';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  resolveModelConfig,
  resolveTrainingConfig,
} from '../model/config';
import { Predictor } from '../model/inference';
import { loadModel, saveModel } from '../model/persist';
import { TextDoc } from '../model/textDoc';
import { GATE_NAMES } from '../shared/domain';
import { parseArgs } from './args';
import { startOption } from './baseFiles';
import { bestWeights, runKeepingBest, threadsOption, trainerFor } from './nodeTrainer';

const weightsPath = (json: string) => json.replace(/\.json$/, '') + '.weights.bin';

async function train(file: string, opt: Map<string, string>): Promise<void> {
  const text = fs.readFileSync(file, 'utf8');
  const model = resolveModelConfig({
    ...DEFAULT_MODEL_CONFIG,
    hiddenSize: Number(opt.get('hidden') ?? DEFAULT_MODEL_CONFIG.hiddenSize),
    layers: Number(opt.get('layers') ?? DEFAULT_MODEL_CONFIG.layers),
  });
  const training = resolveTrainingConfig({
    ...DEFAULT_TRAINING_CONFIG,
    timeBudgetSec: Number(opt.get('seconds') ?? 30),
    backend: (opt.get('backend') ?? 'wasm') as 'wasm' | 'cpu',
  });
  const backend = await initBackend(training.backend, { log: (l, m) => console.error(`[${l}] ${m}`) });
  const doc = new TextDoc(text, 1);
  // The extension's defaults (model/parallel.ts): every core up to the cap unless --threads says otherwise.
  // As the extension starts a document: from the shipped base unless --start scratch (or the shape does not fit it).
  const base = startOption(opt);
  const { tr, vocab, start } = await trainerFor(doc, model, training, backend.arena, {
    threads: threadsOption(opt),
    base,
  });
  console.log(
    `training H=${model.hiddenSize} L=${model.layers} on ${doc.tokenCount} chars, vocab ${vocab.size}, ` +
      `${start.from === 'base' ? `fine-tuning ${base!.id}` : `from scratch${start.why ? ` (${start.why})` : ''}`}, ${backend.detail}; ${tr.governor.note}`,
  );
  if (start.best) console.log(`held-out bpc of the base alone: ${start.best.heldOutBpc.toFixed(3)}`);
  let note = tr.governor.version;
  let last = 0;
  // As the extension trains: early stopping and the best held-out checkpoint (model/bestModel.ts).
  const t0 = performance.now();
  const { res, kept } = await runKeepingBest(tr, runOptionsFor(training, start.best), {
    onProgress: (p) => {
      if (p.elapsedSec - last < 2 && p.etaSec !== 0) return;
      last = p.elapsedSec;
      if (tr.governor.version !== note) {
        note = tr.governor.version;
        console.log(tr.governor.note);
      }
      const bpc = p.heldOutBpc === null ? '  -  ' : p.heldOutBpc.toFixed(3);
      console.log(
        `step ${String(p.step).padStart(6)}  loss ${p.loss.toFixed(3)}  held-out bpc ${bpc}  ${Math.round(p.charsPerSec)} chars/s  epoch ${p.epoch.toFixed(2)}`,
      );
    },
    onRecovered: (m) => console.log(`recovered: ${m}`),
  });
  const out = opt.get('out') ?? 'model.json';
  // res.best is the point whose weights onBest handed over last; the base's own score when nothing beat it.
  const best = res.best;
  const meta = { base: start.from === 'base' ? base!.id : null };
  const keptWeights = bestWeights(res, kept, start);
  const saved =
    best && keptWeights
      ? saveModel(keptWeights, vocab, text, {
          ...meta,
          steps: best.step,
          heldOutBpc: best.heldOutBpc,
          checkpoint: best,
          heldOutFraction: training.heldOutFraction,
        })
      : saveModel(tr.weights(), vocab, text, { ...meta, steps: tr.step, heldOutBpc: res.latest?.heldOutBpc ?? null });
  fs.writeFileSync(out, saved.json);
  fs.writeFileSync(weightsPath(out), new Uint8Array(saved.weights));
  console.log(`${keptModelMessage(res)}; saved ${out} and ${weightsPath(out)}`);
  const after = best?.heldOutBpc ?? res.latest?.heldOutBpc ?? null;
  const minutes = ((performance.now() - t0) / 60_000).toFixed(1);
  if (start.best)
    console.log(
      `held-out bpc before fine-tuning ${start.best.heldOutBpc.toFixed(2)}, after ${minutes} min ${after?.toFixed(2) ?? '-'}`,
    );
  else console.log(`held-out bpc from scratch after ${minutes} min ${after?.toFixed(2) ?? '-'}`);
  tr.dispose();
}

function predict(file: string, offsetArg: string, opt: Map<string, string>): void {
  const text = fs.readFileSync(file, 'utf8');
  const modelPath = opt.get('model') ?? 'model.json';
  const bin = fs.readFileSync(weightsPath(modelPath));
  const loaded = loadModel(
    fs.readFileSync(modelPath, 'utf8'),
    bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  );
  const doc = new TextDoc(text, 1);
  const offset = Number(offsetArg);
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length)
    throw new Error(`OFFSET must be an integer in [0, ${text.length}]`);
  const p = Predictor.from(loaded.weights, loaded.vocab);
  const t0 = performance.now();
  const pr = p.predict(doc, offset, Number(opt.get('top') ?? 10), Number(opt.get('context') ?? 32));
  const ms = performance.now() - t0;
  const show = (s: string) => JSON.stringify(s);
  console.log(`context: ${show(pr.contextTokens.join(''))}`);
  for (const t of pr.top) console.log(`  ${show(t.token).padEnd(8)} ${(100 * t.prob).toFixed(2)}%`);
  if (pr.actual)
    console.log(
      `actual ${show(pr.actual.token)}: p=${pr.actual.prob.toFixed(4)} rank ${pr.actual.rank}, ${pr.actual.bits.toFixed(2)} bits`,
    );
  const H = pr.hiddenSize;
  const T = pr.contextTokens.length;
  pr.trace.forEach((tr, l) => {
    if (T === 0) return;
    const base = (T - 1) * 6 * H;
    const means = GATE_NAMES.map((g, r) => {
      let s = 0;
      for (let k = 0; k < H; k++) s += tr.values[base + r * H + k];
      return `${g}=${(s / H).toFixed(3)}`;
    });
    console.log(`layer ${l} at the cursor (mean over ${H} units): ${means.join(' ')}`);
  });
  console.log(`answered in ${ms.toFixed(2)} ms (${p.lastSteps} steps)`);
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  const { pos, opt } = parseArgs(rest);
  if (cmd === 'train' && pos.length === 1) return train(pos[0], opt);
  if (cmd === 'predict' && pos.length === 2) return predict(pos[0], pos[1], opt);
  console.error(
    'usage:\n  node out/cli/main.js train FILE [--seconds N] [--hidden H] [--layers L] [--out model.json] [--backend wasm|cpu] [--threads N]\n' +
      '  node out/cli/main.js predict FILE OFFSET [--model model.json] [--top K] [--context N]',
  );
  process.exitCode = 2;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
