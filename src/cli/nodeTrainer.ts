// How the command-line tools start a trainer: as the extension does (every core up to the cap in
// model/parallel.ts, helper threads from out/cli/gradWorker.js), unless --threads asks for a count.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Arena } from '../model/arena';
import type { ModelConfig, TrainingConfig } from '../model/config';
import type { ModelWeights } from '../model/params';
import { nodeHelperSpawn } from '../model/gradShard';
import type { ParallelConfig } from '../model/parallel';
import type { TextDoc } from '../model/textDoc';
import { startTrainer, type Trainer, type TrainerInit } from '../model/trainer';
import { runTraining, type RunHooks, type RunOptions, type RunResult } from '../model/trainingRun';
import { Vocab } from '../model/vocab';

/** Starts trainers on `threads` threads (default: the extension's plan); helper failures go to stderr. */
export function nodeTrainers(threads?: number, parallel?: ParallelConfig): (init: TrainerInit) => Promise<Trainer> {
  const spawn = nodeHelperSpawn(path.join(__dirname, 'gradWorker.js'));
  return (init) =>
    startTrainer(init, { threads, cores: availableParallelism(), spawn, parallel, log: (m) => console.error(m) });
}

/** What a tool may change of how the trainer starts; absent: the extension's defaults. */
export interface TrainerFor {
  threads?: number;
  parallel?: ParallelConfig;
  evalMaxTokens?: number;
}

/**
 * A trainer on a document's whole text, as the extension's worker starts one (worker/training.ts): a vocabulary
 * of the text's own symbols (up to model.maxVocab), the text as its ids, every core unless `threads` says.
 */
export async function trainerFor(
  doc: TextDoc,
  model: ModelConfig,
  training: TrainingConfig,
  arena: Arena,
  how: TrainerFor = {},
): Promise<{ tr: Trainer; vocab: Vocab; ids: Int32Array }> {
  const vocab = Vocab.fromSymbols(doc.syms, model.maxVocab);
  const ids = vocab.ids(doc.syms);
  const init: TrainerInit = { model, training, arena, ids, vocabSize: vocab.size, evalMaxTokens: how.evalMaxTokens };
  return { tr: await nodeTrainers(how.threads, how.parallel)(init), vocab, ids };
}

/**
 * A run to its end (nothing stops it early but its options), keeping the weights of the best held-out evaluation
 * as the extension does: `kept` is null when no evaluation became a best (then the last weights are the model).
 */
export async function runKeepingBest(
  tr: Trainer,
  opts: RunOptions,
  hooks: Partial<Pick<RunHooks, 'onProgress' | 'onRecovered'>>,
): Promise<{ res: RunResult; kept: ModelWeights | null }> {
  let kept: ModelWeights | null = null;
  const res = await runTraining(tr, opts, {
    onProgress: hooks.onProgress ?? (() => {}),
    onRecovered: hooks.onRecovered ?? (() => {}),
    onSnapshot: () => {},
    onBest: (w) => (kept = w),
    shouldStop: () => false,
  });
  return { res, kept };
}

/** The --threads option, if given (a whole number ≥ 1). */
export function threadsOption(opt: Map<string, string>): number | undefined {
  if (!opt.has('threads')) return undefined;
  const n = Number(opt.get('threads'));
  if (!Number.isInteger(n) || n < 1) throw new Error('--threads takes a whole number ≥ 1');
  return n;
}
