// What a finished run hands on: the best held-out checkpoint, not the last weights. The rule's constants
// (measured, see the figures in CHANGELOG.md and `npm run checkpoint`) and the sentence the panel shows.
import type { TrainingConfig } from './config';
import type { BestPoint } from './plateau';
import type { RunOptions, RunResult } from './trainingRun';

/**
 * A new best must beat the old one by this many bits per character. Held-out evaluation scores the same
 * positions every time, so it has no sampling noise; what moves between evaluations is the weights. Measured
 * on three ~100 KB files: late in a run successive evaluations differ by 0.002-0.02 bpc, so 0.002 keeps
 * real progress counting and stops treating a flat stretch as improvement.
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
