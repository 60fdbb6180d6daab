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

/** The run's closing message, saying which weights the document now uses and why the run ended. */
export function keptModelMessage(res: RunResult): string {
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
    earlyStop: { patience: training.patience, minDelta: EARLY_STOP_MIN_DELTA },
    best,
  };
}
