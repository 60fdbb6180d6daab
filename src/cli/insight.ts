// `npm run insight -- FILE [--start base|scratch] [--seconds 120] [--hidden 128] [--layers 1] [--language ID] [--top 3]
//                         [--model saved.json] [--history continuous|bounded] [--threads N]
//                         [--probe-fit training|heldOut]`
// Trains with the extension's defaults on FILE (from the shipped base unless --start scratch; same engine, same
// 90/10 split, every core, early stopping; the best held-out checkpoint is what gets labelled; --seconds 0 labels
// the base alone), then labels units: Pearson r
// of every unit's cell and hidden value with the lexical features of FILE's language family, on the
// held-out tail. Prints the best |r| per feature as a table, one linear probe per feature (AUC or R² on held-out
// positions it was not fitted on, and how long the fits took), the unit inspector's top contexts for the best
// string unit, and what overlay requests cost.
// --model skips training and labels a model saved by `node out/cli/main.js train FILE --out saved.json`.
import * as fs from 'node:fs';
import type { Arena } from '../model/arena';
import { initBackend, type EngineBackend } from '../model/backend';
import { keptModelMessage, runOptionsFor } from '../model/bestModel';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  resolveModelConfig,
  resolveTrainingConfig,
  type ModelConfig,
  type TrainingConfig,
} from '../model/config';
import { Predictor } from '../model/inference';
import { loadModel } from '../model/persist';
import { inspect, targetValues } from '../model/insight/inspector';
import { labelUnits } from '../model/insight/labels';
import { probeLine, unitName } from '../model/insight/probes';
import { surprisal, unitValuesSync } from '../model/insight/overlay';
import { TraceStore } from '../model/insight/traces';
import { TextDoc } from '../model/textDoc';
import { Vocab } from '../model/vocab';
import { FEATURE_DESCRIPTIONS } from '../shared/domain';
import { visibleToken } from '../shared/glyphs';
import type { BaseModel } from '../model/base/baseFile';
import { numberOption, parseArgs } from './args';
import { startOption } from './baseFiles';
import { languageIdOfFile } from './languages';
import { bestWeights, runKeepingBest, threadsOption, trainerFor } from './nodeTrainer';

async function main(): Promise<void> {
  const { pos, opt } = parseArgs(process.argv.slice(2));
  if (pos.length !== 1) {
    console.error(
      'usage: npm run insight -- FILE [--seconds 120] [--hidden 128] [--layers 1] [--language ID] [--top 3] [--backend wasm|cpu]\n' +
        '                          [--model saved.json] [--history continuous|bounded]',
    );
    process.exitCode = 2;
    return;
  }
  const file = pos[0];
  const text = fs.readFileSync(file, 'utf8');
  const languageId = opt.get('language') ?? languageIdOfFile(file);
  const model = resolveModelConfig({
    ...DEFAULT_MODEL_CONFIG,
    hiddenSize: numberOption(opt, 'hidden', DEFAULT_MODEL_CONFIG.hiddenSize),
    layers: numberOption(opt, 'layers', DEFAULT_MODEL_CONFIG.layers),
  });
  const training = resolveTrainingConfig({
    ...DEFAULT_TRAINING_CONFIG,
    timeBudgetSec: numberOption(opt, 'seconds', DEFAULT_TRAINING_CONFIG.timeBudgetSec),
    backend: (opt.get('backend') ?? 'wasm') as 'wasm' | 'cpu',
  });
  const top = numberOption(opt, 'top', 3);
  const backend = await initBackend(training.backend, { log: (l, m) => console.error(`[${l}] ${m}`) });
  const doc = new TextDoc(text, 1);
  const saved = opt.get('model');
  const { predictor, vocab } = saved
    ? loadSaved(saved, backend.arena)
    : await train(doc, model, training, backend, languageId, file, threadsOption(opt), startOption(opt));
  const history = (opt.get('history') ?? 'continuous') as 'continuous' | 'bounded';
  if (history !== 'continuous' && history !== 'bounded') throw new Error('--history takes continuous or bounded');
  const probeFit = (opt.get('probe-fit') ?? 'training') as 'training' | 'heldOut';
  if (probeFit !== 'training' && probeFit !== 'heldOut') throw new Error('--probe-fit takes training or heldOut');
  if (saved)
    console.log(`${file}: ${text.length} UTF-16 units, language ${languageId}, model ${saved} (vocab ${vocab.size})`);

  const l0 = performance.now();
  const r = await labelUnits(predictor, doc, languageId, {
    perFeature: top,
    heldOutFraction: training.heldOutFraction,
    history,
    probes: true,
    probeFit,
  });
  const labelMs = performance.now() - l0;
  console.log(
    `\nunit labels on held-out text: ${r.last - r.first} tokens from offset ${r.heldOutStart}, scanner ${r.family}, ` +
      `${history} history, ${labelMs.toFixed(0)} ms`,
  );
  const rows: string[][] = [['feature', 'mean', 'best |r|', 'best cell (c)', 'best hidden (h)', `top ${top}`]];
  for (const f of r.features) {
    const perLayer = r.r.get(f.feature)!;
    const best = (g: 'c' | 'h') => {
      let b = { r: NaN, unit: -1, layer: 0 };
      perLayer.forEach((x, layer) =>
        x[g].forEach((v, unit) => {
          if (Number.isFinite(v) && !(Math.abs(v) <= Math.abs(b.r))) b = { r: v, unit, layer };
        }),
      );
      return b;
    };
    const c = best('c');
    const h = best('h');
    const fmt = (b: { r: number; unit: number; layer: number }) =>
      b.unit < 0
        ? '-'
        : `${b.r >= 0 ? '+' : ''}${b.r.toFixed(3)} (${model.layers > 1 ? `L${b.layer} ` : ''}unit ${b.unit})`;
    const bestAbs = Math.max(Number.isFinite(c.r) ? Math.abs(c.r) : 0, Number.isFinite(h.r) ? Math.abs(h.r) : 0);
    const topList = r.labels
      .filter((l) => l.feature === f.feature)
      .map((l) => `${l.gate}${l.unit}:${l.r.toFixed(2)}`)
      .join(' ');
    rows.push([
      FEATURE_DESCRIPTIONS[f.feature],
      f.mean.toFixed(3),
      f.sd > 0 ? bestAbs.toFixed(3) : 'constant',
      fmt(c),
      fmt(h),
      topList,
    ]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  for (const [k, row] of rows.entries()) {
    console.log('  ' + row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
    if (k === 0) console.log('  ' + widths.map((w) => '─'.repeat(w)).join('  '));
  }
  const str = r.features.find((f) => f.feature === 'inString');
  if (str) {
    const best = r.labels.find((l) => l.feature === 'inString');
    console.log(
      `\n${best ? `unit ${best.unit} (${best.gate === 'c' ? 'cell' : 'hidden'}) tracks inside-a-string, r = ${best.r.toFixed(2)}` : 'no string unit'}`,
    );
  }

  for (const a of r.unitAuc)
    console.log(
      `best single unit for ${FEATURE_DESCRIPTIONS[a.feature]} by AUC: ${unitName(a)} ${a.auc.toFixed(3)}` +
        (a.auc < 0.5 ? ` (fires outside: ${(1 - a.auc).toFixed(3)} reversed)` : ''),
    );

  const fit = r.probes!;
  console.log(
    `\nlinear probes on the whole state (c and h of every unit), fitted on ${fit.fitRows} ` +
      (probeFit === 'training'
        ? `positions of the training text before the held-out tail, scored on ${fit.testRows} held-out positions`
        : `held-out positions, scored on the next ${fit.testRows}`) +
      `: ${fit.ms.toFixed(0)} ms`,
  );
  for (const p of fit.probes) console.log(probeLine(p, FEATURE_DESCRIPTIONS[p.feature]));
  // The fit alone, again: wall time depends on what else the machine runs, CPU time on this work only.
  const cpu0 = process.cpuUsage();
  const again = r.refitProbes!();
  const cpu = process.cpuUsage(cpu0);
  const same = again.probes.every(
    (p, k) => p.score === fit.probes[k].score && p.weights.every((w, u) => w === fit.probes[k].weights[u]),
  );
  console.log(
    `probe fit alone (refit): ${again.ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; ` +
      `${again.probes.length} probes, ${same ? 'identical to the first fit' : 'DIFFERENT from the first fit'}`,
  );

  const bestString = r.labels.find((l) => l.feature === 'inString');
  if (bestString) {
    const target = { kind: 'unit', layer: bestString.layer, gate: bestString.gate, unit: bestString.unit } as const;
    const i0 = performance.now();
    const values = await targetValues(predictor, doc, target, null);
    const ins = inspect(doc, target, values);
    console.log(
      `\nunit inspector, ${unitName(bestString)} (best single unit for inside a string) over ${ins.tokens} tokens, ` +
        `${(performance.now() - i0).toFixed(0)} ms; top contexts (» marks the character):`,
    );
    const show = (sn: (typeof ins.top)[number]) =>
      `  ${sn.value >= 0 ? '+' : ''}${sn.value.toFixed(3)}  @${String(sn.start).padEnd(7)} ` +
      sn.tokens.map((tok, k) => (k === sn.focus ? '»' : '') + visibleToken(tok)).join('');
    for (const sn of ins.top) console.log(show(sn));
    console.log('  bottom contexts:');
    for (const sn of ins.bottom.slice(0, 3)) console.log(show(sn));
  }

  // What the overlays cost here (informational; never asserted).
  const store = new TraceStore(predictor);
  const mid = Math.floor(text.length / 2);
  const a0 = performance.now();
  unitValuesSync(store, doc, mid, mid + 3000, 0, 'c', 0);
  const cold = performance.now() - a0;
  const a1 = performance.now();
  unitValuesSync(store, doc, mid, mid + 3000, 0, 'h', 1);
  const warm = performance.now() - a1;
  const a2 = performance.now();
  await surprisal(store, doc, mid, mid + 3000);
  const bits = performance.now() - a2;
  console.log(
    `overlay over 3000 chars: cold ${cold.toFixed(1)} ms (${store.steps} steps), another unit ${warm.toFixed(1)} ms, surprisal ${bits.toFixed(1)} ms`,
  );
  predictor.dispose();
}

function loadSaved(path: string, arena: Arena): { predictor: Predictor; vocab: Vocab } {
  const bin = fs.readFileSync(path.replace(/\.json$/, '') + '.weights.bin');
  const loaded = loadModel(
    fs.readFileSync(path, 'utf8'),
    bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  );
  return { predictor: Predictor.from(loaded.weights, loaded.vocab, undefined, arena), vocab: loaded.vocab };
}

async function train(
  doc: TextDoc,
  model: ModelConfig,
  training: TrainingConfig,
  backend: EngineBackend,
  languageId: string,
  file: string,
  threads: number | undefined,
  base: BaseModel | null,
): Promise<{ predictor: Predictor; vocab: Vocab }> {
  // As the extension trains: from the base, every core, early stopping; the best held-out checkpoint is labelled.
  const { tr, vocab, start } = await trainerFor(doc, model, training, backend.arena, { threads, base });
  const from = start.from === 'base' ? `fine-tuning ${base!.id}` : `from scratch${start.why ? ` (${start.why})` : ''}`;
  console.log(
    `${file}: ${doc.text.length} UTF-16 units, ${doc.tokenCount} tokens, language ${languageId}, vocab ${vocab.size}\n` +
      `training H=${model.hiddenSize} L=${model.layers} seq ${training.seqLength} batch ${training.batchSize} ` +
      `for ${training.timeBudgetSec} s on ${backend.name}, ${from}; ${tr.governor.note}`,
  );
  if (start.best) console.log(`  held-out bpc of the base alone ${start.best.heldOutBpc.toFixed(3)}`);
  if (start.weights && training.timeBudgetSec === 0) {
    tr.dispose();
    console.log('labelling the base alone (--seconds 0)');
    return { predictor: Predictor.from(start.weights, vocab, undefined, backend.arena), vocab };
  }
  let last = -Infinity;
  const t0 = performance.now();
  const { res, kept } = await runKeepingBest(tr, runOptionsFor(training, start.best), {
    onProgress: (p) => {
      if (p.elapsedSec - last < 15 && p.etaSec !== 0) return;
      last = p.elapsedSec;
      const bpc = p.heldOutBpc === null ? '  -  ' : p.heldOutBpc.toFixed(3);
      console.log(
        `  ${p.elapsedSec.toFixed(0).padStart(4)} s  step ${String(p.step).padStart(5)}  loss ${p.loss.toFixed(3)}  held-out bpc ${bpc}  epoch ${p.epoch.toFixed(2)}`,
      );
    },
    onRecovered: (m) => console.log(`  recovered: ${m}`),
  });
  const trainSec = (performance.now() - t0) / 1000;
  const keptWeights = bestWeights(res, kept, start);
  const predictor = Predictor.from(keptWeights ?? tr.weights(), vocab, undefined, backend.arena);
  tr.dispose();
  console.log(
    `trained ${trainSec.toFixed(0)} s, ${tr.step} steps, epoch ${tr.epochProgress.toFixed(2)}, held-out ${res.latest?.heldOutBpc?.toFixed(3) ?? '-'} bits/char (${keptModelMessage(res)})`,
  );
  return { predictor, vocab };
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
