// What a finished run hands on: the best held-out checkpoint, not the last weights. The rule's constants
// (measured, see the figures in CHANGELOG.md and `npm run checkpoint`) and the sentence the panel shows.
import type { TrainingConfig } from './config';
import type { BestPoint } from './plateau';
import type { RunOptions, RunResult } from './trainingRun';

/**
 * A new best must beat the old one by this many bits per character. The periodic evaluation scores the same
 * positions every time (the whole held-out split up to 16,384 characters, about a 160 KB file; beyond, the
 * same fixed part of it), so two evaluations differ only because the weights did. Measured on three ~100 KB
 * files (npm run checkpoint -- --curve 1): late in a run successive evaluations improve by 0.005-0.04 bpc,
 * and on a plateau move by ±0.001-0.006; 0.002 counts the first and not a 0.001 wobble.
 */
export const EARLY_STOP_MIN_DELTA = 0.002;

/**
 * Early stopping also waits this share of the run's evaluations so far (on top of `patience`, see
 * plateau.ts): a run stops once its best is a quarter of the run old, so the wait grows with the run and a
 * plateau costs at most a third more time than reaching it did (a best at 60 s stops at 80 s, as patience 4
 * did; one at 600 s at 800 s). On scripted curves (plateau.test.ts: ±0.01 noise, the slow tail of a large
 * document's curve) a quarter never stopped while the curve still fell by more than minDelta over the
 * window, and small-document curves stopped within an evaluation of patience alone; a third added 2-3
 * evaluations there (10-15 s of a 120 s budget) for nothing.
 */
export const EARLY_STOP_RUN_FRACTION = 0.25;

/**
 * ...and this many epochs of training since the best. Until the model has gone over all of the training
 * text once more, a flat stretch may only be the part of the text the streams are passing through, and
 * before its first epoch ends every batch is new text. At ~29k characters/s (H=128, an idle 2-core machine) an
 * epoch of a 100 KB file is ~3 s, under one evaluation, so this does not bind; it does from about 600 KB up
 * (where 20 s is less than an epoch): the
 * 4.6 MB text that patience 4 stopped at epoch 1.3 at 2.23 bpc reached 1.91 bpc by 600 s still improving.
 */
export const EARLY_STOP_EPOCHS = 1;

/**
 * Held-out characters needed before a checkpoint is chosen by them (about a 10 KB file at the 10 % split).
 * On a tail of a few hundred characters the score is a handful of guesses: a 1.3 KB file's 130-character
 * tail scored best at step 1 (an untrained model, blank continuations) after 1,000 steps that had learned
 * the file. Below this the document follows the latest weights and early stopping is off. At 1,000 characters
 * the standard error of a bpc (per-character surprisal spreads ~2.5 bits) is under 0.1 bit.
 */
export const MIN_HELDOUT_FOR_CHECKPOINT = 1000;

/** The run's closing message, saying which weights the document now uses and why the run ended. */
export function keptModelMessage(res: RunResult): string {
  if (res.heldOutTooShort !== null)
    return (
      `${res.message}; the held-out text (${res.heldOutTooShort.toLocaleString('en-US')} characters) is too short ` +
      `to choose a checkpoint by, so the model is the last weights`
    );
  const b = res.best;
  if (!b) return res.message;
  const bpc = `${b.heldOutBpc.toFixed(3)} bpc`;
  const at = res.latest?.step ?? b.step;
  if (res.stoppedEarly)
    return `held-out stopped improving at step ${at}, best ${bpc} at step ${b.step}; kept that model`;
  if (b.step === at) return `${res.message}; the last weights scored best (${bpc} held-out)`;
  return `${res.message}; kept the best held-out model (step ${b.step}, ${bpc})`;
}

/** How the extension runs a training (the worker and the CLIs share it): budget, early stopping, prior best. */
export function runOptionsFor(training: TrainingConfig, best: BestPoint | null = null): RunOptions {
  return {
    timeBudgetSec: training.timeBudgetSec,
    maxEpochs: training.maxEpochs,
    earlyStop: {
      patience: training.patience,
      minDelta: EARLY_STOP_MIN_DELTA,
      runFraction: EARLY_STOP_RUN_FRACTION,
      epochs: EARLY_STOP_EPOCHS,
    },
    best,
    minHeldOutForBest: MIN_HELDOUT_FOR_CHECKPOINT,
  };
}
