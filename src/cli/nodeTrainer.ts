// How the command-line tools start a trainer: as the extension does (every core up to the cap in
// model/parallel.ts, helper threads from out/cli/gradWorker.js), unless --threads asks for a count.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Arena } from '../model/arena';
import type { BaseModel } from '../model/base/baseFile';
import { baseMismatch, startFromBase } from '../model/base/fromBase';
import type { BestPoint } from '../model/plateau';
import type { ModelConfig, TrainingConfig } from '../model/config';
import type { ModelWeights } from '../model/params';
import { nodeHelperSpawn } from '../model/gradShard';
import type { ParallelConfig } from '../model/parallel';
import type { TextDoc } from '../model/textDoc';
import { runSync, startTrainer, type Trainer, type TrainerInit } from '../model/trainer';
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
  /** Fine-tune from this base (when the model's shape fits it) instead of a fresh initialisation. */
  base?: BaseModel | null;
}

/** Where a run started: the base (its weights widened to the document's vocabulary, and its score) or nothing. */
export interface Start {
  from: 'base' | 'scratch';
  /** Why a base that was asked for was not used (the settings do not fit it). */
  why: string | null;
  /** The starting weights when from the base: the model if fine-tuning never beats them. */
  weights: ModelWeights | null;
  /** Held-out bpc of the starting weights (the base alone on this document), as the first best point. */
  best: BestPoint | null;
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
): Promise<{ tr: Trainer; vocab: Vocab; ids: Int32Array; start: Start }> {
  const why = how.base ? baseMismatch(how.base, model) : null;
  const fromBase = how.base && why === null ? startFromBase(how.base, doc.syms, model) : null;
  const vocab = fromBase?.vocab ?? Vocab.fromSymbols(doc.syms, model.maxVocab);
  const ids = vocab.ids(doc.syms);
  const init: TrainerInit = {
    model: fromBase?.weights.config ?? model,
    training,
    arena,
    ids,
    vocabSize: vocab.size,
    evalMaxTokens: how.evalMaxTokens,
    initial: fromBase?.weights.data,
  };
  const tr = await nodeTrainers(how.threads, how.parallel)(init);
  let best: BestPoint | null = null;
  if (fromBase) {
    const bpc = runSync(tr.evaluate());
    if (bpc !== null) best = { step: 0, heldOutBpc: bpc };
  }
  const start: Start = { from: fromBase ? 'base' : 'scratch', why, weights: fromBase?.weights ?? null, best };
  return { tr, vocab, ids, start };
}

/**
 * The weights of a run's best point: those onBest handed over, or the starting weights (the base) when the run
 * never beat their score; null when neither (no best point: the last weights are the model).
 */
export function bestWeights(res: RunResult, kept: ModelWeights | null, start: Start): ModelWeights | null {
  return kept ?? (res.best && res.best === start.best ? start.weights : null);
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
