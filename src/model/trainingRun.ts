// Drives a Trainer against the clock: budgets, progress at most a few times a second, periodic
// held-out evaluation and weight snapshots, and prompt cancellation (it yields to the event loop
// every few milliseconds so a worker keeps answering messages while it trains), and the best held-out point
// with optional early stopping once it stops improving.
import type { TrainingPoint, TrainingProgress } from '../shared/domain';
import type { ModelWeights } from './params';
import { Plateau, type BestPoint, type PlateauOptions } from './plateau';
import type { Trainer } from './trainer';

export interface RunHooks {
  /** Called at most every `progressEveryMs`. */
  onProgress(p: TrainingProgress): void;
  /** A divergence was caught and undone. */
  onRecovered(message: string): void;
  /** Fresh weights for inference, at most every `snapshotEveryMs` and at the end. */
  onSnapshot(w: ModelWeights): void;
  /** Polled at every yield; true ends the run within one slice (~10 ms). */
  shouldStop(): boolean;
  /**
   * Polled at every sub-step (each yield of the step's generator, ~2 ms of compute apart): true yields to the
   * event loop now rather than at the end of the slice, so a waiting message (a cursor query) is answered
   * within one sub-step. Absent: the slice alone decides.
   */
  messageWaiting?(): boolean;
  /** A held-out evaluation set a new best; `w` are the weights that scored it. */
  onBest?(w: ModelWeights, best: BestPoint): void;
}

export interface RunOptions {
  timeBudgetSec: number;
  maxEpochs: number;
  /** Ends the run (done, with a final evaluation) after this many steps; 0 or absent: no step limit. */
  maxSteps?: number;
  progressEveryMs?: number;
  evalEveryMs?: number;
  snapshotEveryMs?: number;
  /** Longest stretch of compute between yields to the event loop. */
  sliceMs?: number;
  /** Held-out positions for the final evaluation (default: the trainer's per-evaluation cap). */
  finalEvalTokens?: number;
  /**
   * Ends the run (done) once held-out bpc stops improving (the plateau is told each evaluation's epoch);
   * absent: the budget alone ends it.
   */
  earlyStop?: PlateauOptions;
  /** The best point of the run this one continues (same text and split): only beating it is a new best. */
  best?: BestPoint | null;
  /**
   * Held-out characters below which no checkpoint is chosen and early stopping is off: on a tiny tail the best
   * score can fall on a nearly untrained early step, so the run follows the last weights instead. Default 0.
   */
  minHeldOutForBest?: number;
}

export interface RunResult {
  status: 'done' | 'stopped';
  message: string;
  curve: TrainingPoint[];
  latest: TrainingProgress | null;
  /** Median chars/s over steps (compute only). */
  medianCharsPerSec: number;
  /** The lowest held-out bpc any evaluation of this run saw, and at which step. */
  best: BestPoint | null;
  /** True when early stopping ended the run. */
  stoppedEarly: boolean;
  /** Set when the held-out tail was too short to choose a checkpoint by (`minHeldOutForBest`): its length. */
  heldOutTooShort: number | null;
}

const now = () => performance.now();
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * The held-out tail's length when it is too short to choose a checkpoint by (opts.minHeldOutForBest), else null.
 * The one test of that rule: runTraining applies it, and a caller deciding whether a prior best still stands
 * asks it of the same options.
 */
export function heldOutTooShortFor(
  tr: Pick<Trainer, 'hasHeldOut' | 'heldOutLength'>,
  opts: Pick<RunOptions, 'minHeldOutForBest'>,
): number | null {
  return tr.hasHeldOut && tr.heldOutLength < (opts.minHeldOutForBest ?? 0) ? tr.heldOutLength : null;
}

export async function runTraining(tr: Trainer, opts: RunOptions, hooks: RunHooks): Promise<RunResult> {
  const progressEvery = opts.progressEveryMs ?? 250; // ≤ 4 progress messages a second
  const evalEvery = opts.evalEveryMs ?? 5000; // held-out check every 5 s of training
  const snapshotEvery = opts.snapshotEveryMs ?? 2000; // inference weights refresh every 2 s
  const slice = opts.sliceMs ?? 10; // keeps message latency around 10 ms while training
  const t0 = now();
  let lastYield = t0;
  let lastProgress = -Infinity;
  let lastEval = t0;
  let lastSnap = t0;
  let stepMs = 0;
  let stepChars = 0;
  const stepRates: number[] = [];
  let heldOut: number | null = null;
  let lastLoss = NaN;
  const curve: TrainingPoint[] = [];
  let latest: TrainingProgress | null = null;
  const startEpoch = tr.epochProgress;
  const firstStep = tr.step; // a resumed trainer starts past 0
  const elapsed = () => (now() - t0) / 1000;
  const heldOutTooShort = heldOutTooShortFor(tr, opts);
  // On a too-short tail there is no best to beat or report (not even a prior run's).
  const plateau = new Plateau(
    opts.earlyStop ?? { patience: 0, minDelta: 0 },
    heldOutTooShort === null ? (opts.best ?? null) : null,
  );
  let stoppedEarly = false;
  /** Records an evaluation; a new best hands its weights to the hook (never on a too-short held-out tail). */
  const observe = (bpc: number | null) => {
    if (bpc === null || heldOutTooShort !== null) return;
    if (plateau.observe(tr.step, bpc, tr.epochProgress) && hooks.onBest) hooks.onBest(tr.weights(), plateau.best!);
  };

  /** Runs a generator in slices; false when a stop request arrived mid-way. */
  async function drive<R>(gen: Generator<void, R>): Promise<{ ok: boolean; value?: R }> {
    for (;;) {
      const r = gen.next();
      if (r.done) return { ok: true, value: r.value };
      if (now() - lastYield > slice || hooks.messageWaiting?.()) {
        await tick();
        lastYield = now();
        if (hooks.shouldStop()) return { ok: false };
      }
    }
  }

  const emit = (force: boolean) => {
    const t = now();
    if (!force && t - lastProgress < progressEvery) return;
    lastProgress = t;
    const el = elapsed();
    const cps = stepMs > 0 ? (stepChars / stepMs) * 1000 : 0;
    let eta: number | null = null;
    if (opts.timeBudgetSec > 0) eta = Math.max(0, opts.timeBudgetSec - el);
    if (opts.maxEpochs > 0) {
      const done = tr.epochProgress - startEpoch;
      const rate = el > 0 ? done / el : 0;
      const e2 = rate > 0 ? (opts.maxEpochs - tr.epochProgress) / rate : null;
      if (e2 !== null) eta = eta === null ? e2 : Math.min(eta, e2);
    }
    const loss = Number.isFinite(lastLoss) ? lastLoss : 0;
    latest = {
      step: tr.step,
      loss,
      heldOutBpc: heldOut,
      epoch: tr.epochProgress,
      charsPerSec: cps,
      elapsedSec: el,
      etaSec: eta,
      best: plateau.best,
    };
    curve.push({ step: tr.step, loss, heldOutBpc: heldOut });
    hooks.onProgress(latest);
  };

  const finish = async (status: 'done' | 'stopped', message: string): Promise<RunResult> => {
    if (status === 'done') {
      const ev = await drive(tr.evaluate(opts.finalEvalTokens));
      if (ev.ok) {
        heldOut = ev.value ?? null;
        observe(heldOut);
      }
    }
    emit(true);
    hooks.onSnapshot(tr.weights());
    const sorted = [...stepRates].sort((a, b) => a - b);
    return {
      status,
      message,
      curve,
      latest,
      medianCharsPerSec: sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0,
      best: plateau.best,
      stoppedEarly,
      heldOutTooShort,
    };
  };

  for (;;) {
    if (hooks.shouldStop()) return finish('stopped', `stopped after ${tr.step} steps`);
    if (opts.timeBudgetSec > 0 && elapsed() >= opts.timeBudgetSec)
      return finish('done', `time budget of ${opts.timeBudgetSec} s used`);
    if (opts.maxEpochs > 0 && tr.epoch >= opts.maxEpochs) return finish('done', `${opts.maxEpochs} epoch(s) done`);
    if (opts.maxSteps && tr.step >= opts.maxSteps) return finish('done', `${opts.maxSteps} steps done`);
    const s0 = now();
    const r = await drive(tr.trainStep());
    if (!r.ok) return finish('stopped', `stopped after ${tr.step} steps`);
    const res = r.value!;
    const dt = now() - s0;
    if (res.recovered) {
      hooks.onRecovered(res.recovered);
    } else {
      stepMs += dt;
      stepChars += tr.charsPerStep;
      stepRates.push((tr.charsPerStep / dt) * 1000);
      lastLoss = res.loss;
    }
    if (now() - lastEval > evalEvery || (heldOut === null && tr.step === firstStep + 1)) {
      const ev = await drive(tr.evaluate());
      if (!ev.ok) return finish('stopped', `stopped after ${tr.step} steps`);
      heldOut = ev.value ?? null;
      lastEval = now();
      observe(heldOut);
      emit(true);
      if (plateau.exhausted) {
        stoppedEarly = true;
        const b = plateau.best!;
        return finish(
          'done',
          `held-out stopped improving at step ${tr.step}: best ${b.heldOutBpc.toFixed(3)} bpc at step ${b.step}`,
        );
      }
    } else emit(false);
    if (now() - lastSnap > snapshotEvery) {
      hooks.onSnapshot(tr.weights());
      lastSnap = now();
    }
  }
}
