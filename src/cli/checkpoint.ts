// `npm run checkpoint -- FILE… [--seconds 120] [--dropout R] [--patience P] [--threads N] [--simulate]`: trains on
// each file as the extension does (its defaults, every core, early stopping, best checkpoint) and prints the held-out bits
// per character of the model the panel would use and of the last weights, over the whole held-out split.
// --simulate (use with --patience 0, so the run goes to its budget) also prints, for each patience, where
// early stopping (its window growing with the run and covering an epoch, as the extension's) would have
// stopped and the bpc of the model it would have kept, and where patience alone would have.
// --steps N --eval-steps K: a budget of N steps with an evaluation every K steps instead of the clock, so
// figures do not depend on how busy a shared machine is (on an idle one the default 120 s is ~1,700
// steps of H=128 and the 5 s evaluation period ~70 steps).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { initBackend } from '../model/backend';
import { EARLY_STOP_MIN_DELTA, keptModelMessage, runOptionsFor } from '../model/bestModel';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, resolveTrainingConfig } from '../model/config';
import type { ModelWeights } from '../model/params';
import { Plateau, type PlateauOptions } from '../model/plateau';
import { TextDoc } from '../model/textDoc';
import { runSync } from '../model/trainer';
import { numberOption, parseArgs } from './args';
import { runKeepingBest, threadsOption, trainerFor } from './nodeTrainer';

/** Every held-out position (the periodic evaluation caps them; this figure should not). */
const WHOLE = Number.MAX_SAFE_INTEGER;

async function main(): Promise<void> {
  const { pos, opt } = parseArgs(process.argv.slice(2));
  if (pos.length === 0) {
    console.error(
      'usage: npm run checkpoint -- FILE… [--seconds 120] [--dropout R] [--patience P] [--simulate] [--curve]',
    );
    process.exitCode = 2;
    return;
  }
  const training = resolveTrainingConfig({
    ...DEFAULT_TRAINING_CONFIG,
    timeBudgetSec: numberOption(opt, 'seconds', DEFAULT_TRAINING_CONFIG.timeBudgetSec, true),
    dropout: numberOption(opt, 'dropout', DEFAULT_TRAINING_CONFIG.dropout),
    patience: numberOption(opt, 'patience', DEFAULT_TRAINING_CONFIG.patience),
  });
  const backend = await initBackend(training.backend, { log: (l, m) => console.error(`[${l}] ${m}`) });
  const model = DEFAULT_MODEL_CONFIG;
  console.log(
    `checkpoint: H=${model.hiddenSize} ${training.timeBudgetSec} s, dropout ${training.dropout}, patience ${training.patience} ` +
      `(min delta ${EARLY_STOP_MIN_DELTA}), seed ${training.seed}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`,
  );
  for (const file of pos) {
    const doc = new TextDoc(fs.readFileSync(file, 'utf8'), 1);
    // Every core, as the extension trains (model/parallel.ts); --threads 1 for the one-thread figure.
    const { tr } = await trainerFor(doc, model, training, backend.arena, { threads: threadsOption(opt) });
    const evals: { sec: number; step: number; epoch: number; bpc: number }[] = [];
    // Every held-out evaluation of the run (the periodic ones and the final one), as runTraining saw it.
    const evaluate = tr.evaluate.bind(tr);
    const t0 = performance.now();
    tr.evaluate = function* (maxTokens?: number) {
      const bpc = yield* evaluate(maxTokens);
      if (bpc !== null)
        evals.push({ sec: (performance.now() - t0) / 1000, step: tr.step, epoch: tr.epochProgress, bpc });
      return bpc;
    };
    const steps = numberOption(opt, 'steps', 0);
    const evalSteps = numberOption(opt, 'eval-steps', 70, true);
    if (steps > 0) {
      const trainStep = tr.trainStep.bind(tr);
      tr.trainStep = function* () {
        const r = yield* trainStep();
        if (tr.step % evalSteps === 0) yield* tr.evaluate();
        return r;
      };
    }
    const options =
      steps > 0
        ? { ...runOptionsFor(training), timeBudgetSec: 0, maxSteps: steps, evalEveryMs: 1e12 }
        : runOptionsFor(training);
    const { res, kept } = await runKeepingBest(tr, options, {
      onRecovered: (m) => console.log(`  recovered: ${m}`),
    });
    tr.evaluate = evaluate;
    const lastBpc = runSync(tr.evaluate(WHOLE));
    const keptWeights: ModelWeights = kept ?? tr.weights();
    tr.graph.setWeights(keptWeights.data);
    const keptBpc = runSync(tr.evaluate(WHOLE));
    const name = file.split('/').slice(-2).join('/');
    console.log(
      `${name}: ${doc.tokenCount} chars, ${tr.step} steps, epoch ${tr.epochProgress.toFixed(1)}, ${(res.latest?.elapsedSec ?? 0).toFixed(0)} s, ${tr.governor.note}; ` +
        `${keptModelMessage(res)}\n  held-out bpc: model used ${keptBpc?.toFixed(3)}  (last weights ${lastBpc?.toFixed(3)})`,
    );
    if (opt.has('curve'))
      console.log(`  curve: ${evals.map((e) => `${e.sec.toFixed(0)}s/${e.step}:${e.bpc.toFixed(3)}`).join(' ')}`);
    if (opt.has('simulate')) {
      const best = Math.min(...evals.map((e) => e.bpc));
      /** Where a plateau with these options stops the recorded curve, and what it keeps. */
      const simulate = (options: PlateauOptions) => {
        const p = new Plateau(options);
        const stop = evals.find((e) => (p.observe(e.step, e.bpc, e.epoch), p.exhausted));
        const at = stop ?? evals[evals.length - 1];
        const where = stop
          ? `stops at ${at.sec.toFixed(0)} s (step ${at.step}, epoch ${at.epoch.toFixed(1)})`
          : 'runs the whole budget';
        return { where, kept: p.best!.heldOutBpc };
      };
      for (const patience of [1, 2, 3, 4, 5, 6, 8]) {
        const { where, kept } = simulate(runOptionsFor({ ...training, patience }).earlyStop!);
        const alone = simulate({ patience, minDelta: EARLY_STOP_MIN_DELTA });
        console.log(
          `  patience ${patience}: ${where}, keeps ${kept.toFixed(3)} bpc (run's best ${best.toFixed(3)}, ` +
            `+${(kept - best).toFixed(3)}); patience alone ${alone.where}, keeps ${alone.kept.toFixed(3)}`,
        );
      }
    }
    tr.dispose();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
