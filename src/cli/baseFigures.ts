// `npm run bench -- --base FILE…`: what the base is worth on real files, against today's from-scratch model. Per
// file: the document's own model after the default training (120 s, early stopping, best checkpoint), the base
// alone, and the base after the default fine-tuning; every figure is held-out bpc of the document's last 10 %,
// scored the same way (one evaluator, all of the tail). Figures, not assertions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../model/backend';
import type { BaseModel } from '../model/base/baseFile';
import { startFromBase } from '../model/base/fromBase';
import { runOptionsFor } from '../model/bestModel';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, resolveTrainingConfig } from '../model/config';
import { trainGraphFor } from '../model/engine/trainGraph';
import type { Arena } from '../model/arena';
import type { ModelWeights } from '../model/params';
import { TextDoc } from '../model/textDoc';
import { batchLayout, bitsPerChar, runSync } from '../model/trainer';
import type { Vocab } from '../model/vocab';
import { readBase } from './baseFiles';
import { bestWeights, runKeepingBest, trainerFor } from './nodeTrainer';

/** Held-out bpc of some weights on the document's tail (as the trainer splits it), all of it, 8 streams. */
function tailBpc(w: ModelWeights, vocab: Vocab, doc: TextDoc, arena: Arena): number {
  const ids = vocab.ids(doc.syms);
  const { nTrain } = batchLayout(ids.length, DEFAULT_TRAINING_CONFIG);
  const g = trainGraphFor(arena, w.config, w.vocabSize, 8, 64);
  g.setWeights(w.data);
  const bpc = runSync(bitsPerChar(g, ids.subarray(nTrain), Number.MAX_SAFE_INTEGER));
  g.dispose();
  return bpc ?? NaN;
}

interface Figures {
  file: string;
  chars: number;
  scratch: number;
  scratchSteps: number;
  base: number;
  tuned: number;
  tunedSteps: number;
}

async function measure(file: string, base: BaseModel, seconds: number, arena: Arena): Promise<Figures> {
  const text = fs.readFileSync(file, 'utf8');
  const doc = new TextDoc(text, 1);
  const model = DEFAULT_MODEL_CONFIG;
  const training = resolveTrainingConfig({ ...DEFAULT_TRAINING_CONFIG, timeBudgetSec: seconds });
  const run = async (from: BaseModel | null) => {
    const { tr, vocab, start } = await trainerFor(doc, model, training, arena, { base: from });
    const { res, kept } = await runKeepingBest(tr, runOptionsFor(training, start.best), {});
    const w = bestWeights(res, kept, start) ?? tr.weights();
    const steps = tr.step;
    tr.dispose();
    return { bpc: tailBpc(w, vocab, doc, arena), steps };
  };
  const scratch = await run(null);
  const widened = startFromBase(base, doc.syms, model);
  const alone = tailBpc(widened.weights, widened.vocab, doc, arena);
  const tuned = await run(base);
  return {
    file: path.basename(file),
    chars: text.length,
    scratch: scratch.bpc,
    scratchSteps: scratch.steps,
    base: alone,
    tuned: tuned.bpc,
    tunedSteps: tuned.steps,
  };
}

export async function baseFigures(files: string[], seconds: number): Promise<void> {
  const base = readBase();
  const { arena, detail } = await initBackend('wasm', {});
  console.log(
    `base ${base.id} (${base.info.steps} steps on ${(base.info.corpusChars / 1e6).toFixed(1)} M chars); ${detail}; ` +
      `${seconds} s of training per run, as the extension's default`,
  );
  const rows: Figures[] = [];
  for (const f of files) {
    const r = await measure(f, base, seconds, arena);
    rows.push(r);
    console.log(
      `${r.file}: from scratch ${r.scratch.toFixed(3)} (${r.scratchSteps} steps), base alone ${r.base.toFixed(3)}, ` +
        `fine-tuned ${r.tuned.toFixed(3)} (${r.tunedSteps} steps)`,
    );
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    '\nheld-out bpc of the last 10 %  (targets: base alone < from scratch; fine-tuned ≤ from scratch − 0.25)',
  );
  console.log('file                         chars   scratch   base   fine-tuned   base<scratch   tuned≤scratch−0.25');
  for (const r of rows)
    console.log(
      `${r.file.padEnd(26)} ${String(r.chars).padStart(7)}   ${r.scratch.toFixed(3)}   ${r.base.toFixed(3)}   ` +
        `${r.tuned.toFixed(3)}        ${verdict(r.base < r.scratch).padEnd(13)}  ${verdict(r.tuned <= r.scratch - 0.25)} ` +
        `(${(r.scratch - r.tuned).toFixed(2)} below)`,
    );
}
