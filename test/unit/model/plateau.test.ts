// Early stopping: the plateau detector and runTraining's best point, driven by a scripted held-out curve.
import * as assert from 'node:assert/strict';
import type { ModelWeights } from '../../../src/model/params';
import { keptModelMessage, MIN_HELDOUT_FOR_CHECKPOINT, runOptionsFor } from '../../../src/model/bestModel';
import { DEFAULT_TRAINING_CONFIG } from '../../../src/model/config';
import { Plateau, type PlateauOptions } from '../../../src/model/plateau';
import { Rng } from '../../../src/model/rng';
import type { Trainer } from '../../../src/model/trainer';
import { heldOutTooShortFor, runTraining } from '../../../src/model/trainingRun';

/** A stand-in trainer whose k-th evaluation returns curve[k] (then the last value forever), `epochsPerStep` a step. */
function scripted(curve: number[], heldOutLength = 5000, epochsPerStep = 0) {
  let evals = 0;
  const fake = {
    hasHeldOut: heldOutLength >= 2,
    heldOutLength,
    step: 0,
    epoch: 0,
    get epochProgress() {
      return fake.step * epochsPerStep;
    },
    charsPerStep: 64,
    // eslint-disable-next-line require-yield
    *trainStep() {
      fake.step++;
      return { loss: 1 };
    },
    // eslint-disable-next-line require-yield
    *evaluate() {
      return curve[Math.min(evals++, curve.length - 1)];
    },
    weights: () => ({ step: fake.step }) as unknown as ModelWeights,
  };
  return fake;
}

/** The extension's early stopping (default patience, the bestModel.ts window). */
const EXTENSION_RULE: PlateauOptions = runOptionsFor(DEFAULT_TRAINING_CONFIG).earlyStop!;
/** Patience alone, as before the window grew with the run: the rule that stopped a 4.6 MB text at epoch 1.3. */
const PATIENCE_ALONE: PlateauOptions = { patience: EXTENSION_RULE.patience, minDelta: EXTENSION_RULE.minDelta };

/**
 * Feeds a plateau `n` evaluations of `curve(t)` plus uniform noise of ±`noise` (seeded), at `epochsPerEval`
 * epochs an evaluation; the index of the evaluation that stopped it (null: never) and the best's index.
 */
function stopOf(
  options: PlateauOptions,
  curve: (t: number) => number,
  { n, noise, epochsPerEval, seed }: { n: number; noise: number; epochsPerEval: number; seed: number },
): { stop: number | null; best: number } {
  const rng = new Rng(seed);
  const p = new Plateau(options);
  for (let t = 0; t < n; t++) {
    p.observe(t, curve(t) + noise * (2 * rng.next() - 1), t * epochsPerEval);
    if (p.exhausted) return { stop: t, best: p.best!.step };
  }
  return { stop: null, best: p.best!.step };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/**
 * A 4.6 MB text at ~29k characters/s: 145k characters an evaluation (5 s) of 4.1M training characters. The
 * idle 2-core machine's rate; a busier one makes the epochs longer still.
 */
const LARGE_TEXT_EPOCHS_PER_EVAL = 0.035;
/** A 100 KB file at the same rate: 1.6 epochs an evaluation. */
const SMALL_TEXT_EPOCHS_PER_EVAL = 1.6;

describe('model/plateau', () => {
  it('counts evaluations since the last new best and is exhausted after patience', () => {
    const p = new Plateau({ patience: 2, minDelta: 0.01 });
    assert.equal(p.observe(1, 3.0), true);
    assert.equal(p.observe(2, 2.5), true);
    assert.equal(p.observe(3, 2.495), false, 'an improvement under minDelta is not a new best');
    assert.equal(p.exhausted, false);
    assert.equal(p.observe(4, 2.6), false);
    assert.equal(p.exhausted, true);
    assert.deepEqual(p.best, { step: 2, heldOutBpc: 2.5 });
  });

  it('never stops with patience 0 and ignores non-finite evaluations as bests', () => {
    const p = new Plateau({ patience: 0, minDelta: 0 });
    p.observe(1, 2);
    for (let i = 2; i < 50; i++) p.observe(i, NaN);
    assert.equal(p.exhausted, false);
    assert.deepEqual(p.best, { step: 1, heldOutBpc: 2 });
  });

  it('waits a share of the run: a run stops once its best is that share of the run old', () => {
    const p = new Plateau({ patience: 4, minDelta: 0, runFraction: 0.25 });
    for (let t = 1; t <= 40; t++) assert.equal(p.observe(t, 3 - t / 100), true, 'falling: every evaluation a best');
    let t = 40;
    while (!p.exhausted) p.observe(++t, 3);
    // 14 evaluations after the 40th: the first n with n - 40 ≥ n / 4 (patience alone: 4, at the 44th).
    assert.equal(t, 54);
    assert.equal(p.waited, 14);
    assert.equal(p.window, 14);
    assert.deepEqual(p.best, { step: 40, heldOutBpc: 2.6 });
    // Early in a run the window is patience.
    const q = new Plateau({ patience: 4, minDelta: 0, runFraction: 0.25 });
    q.observe(1, 3);
    for (let u = 2; u <= 5; u++) q.observe(u, 3.1);
    assert.equal(q.window, 4);
    assert.equal(q.exhausted, true);
  });

  it('waits an epoch since the best, counted from the run’s start when the best is a continued run’s', () => {
    const p = new Plateau({ patience: 2, minDelta: 0, epochs: 1 });
    p.observe(1, 3, 0.5);
    p.observe(2, 2, 0.625); // the best
    const epochs = [0.75, 0.875, 1, 1.125, 1.25, 1.375, 1.5];
    const stops = epochs.map((e, k) => (p.observe(3 + k, 2.5, e), p.exhausted));
    assert.deepEqual(stops, [false, false, false, false, false, false, false]);
    p.observe(10, 2.5, 1.625);
    assert.equal(p.exhausted, true, 'one epoch after the best');
    assert.equal(p.epochsWaited, 1);
    // A continued run: the prior best is not beaten, the epoch is counted from this run's first evaluation.
    const c = new Plateau({ patience: 2, minDelta: 0, epochs: 1 }, { step: 0, heldOutBpc: 1 });
    c.observe(1, 2, 7);
    c.observe(2, 2, 7.5);
    assert.equal(c.exhausted, false, 'half an epoch into this run');
    c.observe(3, 2, 8);
    assert.equal(c.exhausted, true);
    // Never told the epoch: patience alone.
    const u = new Plateau({ patience: 2, minDelta: 0, epochs: 1 });
    for (const [k, v] of [3, 2, 2.5, 2.5].entries()) u.observe(k, v);
    assert.equal(u.epochsWaited, null);
    assert.equal(u.exhausted, true);
  });

  it('a large text’s long noisy curve still falling slowly is never stopped (patience alone stopped it)', () => {
    // The slow tail of a large document's curve: ~0.0027 bpc an evaluation at first, 0.0004 at the 300th,
    // under ±0.01 of noise, five times what it falls between two evaluations.
    const curve = (t: number) => 1.9 + 0.4 * Math.exp(-t / 150);
    const run = { n: 300, noise: 0.01, epochsPerEval: LARGE_TEXT_EPOCHS_PER_EVAL };
    for (const seed of SEEDS) {
      const { stop } = stopOf(EXTENSION_RULE, curve, { ...run, seed });
      assert.equal(stop, null, `seed ${seed}: stopped at evaluation ${stop}, while the curve still falls`);
      const old = stopOf(PATIENCE_ALONE, curve, { ...run, seed }).stop;
      assert.ok(old !== null && old < 50, `seed ${seed}: patience alone stopped at evaluation ${old}`);
    }
  });

  it('the same curve over a long run stops only once it has almost nothing left to fall', () => {
    const left = (t: number) => 0.4 * Math.exp(-t / 150); // what the curve still falls after evaluation t
    const curve = (t: number) => 1.9 + left(t);
    const run = { n: 3000, noise: 0.01, epochsPerEval: LARGE_TEXT_EPOCHS_PER_EVAL };
    for (const seed of SEEDS) {
      const { stop, best } = stopOf(EXTENSION_RULE, curve, { ...run, seed });
      assert.ok(stop !== null, `seed ${seed}: a curve that has stopped falling is stopped`);
      assert.ok(left(best) < 0.005, `seed ${seed}: stopped at ${stop} with ${left(best).toFixed(4)} bpc to go`);
      // A window of one epoch, not growing with the run, stops where the curve still has 0.01-0.03 to fall.
      const fixed = stopOf({ ...EXTENSION_RULE, runFraction: 0 }, curve, { ...run, seed });
      assert.ok(fixed.stop !== null && left(fixed.best) > 0.01, `seed ${seed}: a fixed window at ${fixed.stop}`);
    }
  });

  it('a curve that falls and then goes flat (with noise) is stopped within a bounded wait after it flattens', () => {
    const flatFrom = 100;
    const curve = (t: number) => (t < flatFrom ? 2.3 - (0.4 * t) / flatFrom : 1.9);
    for (const seed of SEEDS) {
      const { stop, best } = stopOf(EXTENSION_RULE, curve, {
        n: 1000,
        noise: 0.01,
        epochsPerEval: LARGE_TEXT_EPOCHS_PER_EVAL,
        seed,
      });
      assert.ok(stop !== null && stop > flatFrom, `seed ${seed}: stopped at ${stop}, not while falling`);
      // A quarter of the run after the last best (a noise-lucky one on the flat, at most a third in).
      assert.ok(stop <= flatFrom * 1.7, `seed ${seed}: stopped at ${stop}, ${stop - flatFrom} after it flattened`);
      assert.ok(stop - best >= (stop + 1) / 4 - 1, `seed ${seed}: best at ${best}, stop at ${stop}`);
    }
  });

  it('a small document’s curve that turns up after a few epochs stops about as early as patience alone', () => {
    // 24 evaluations (the default 120 s), 1.6 epochs each: falls fast, memorises from the 8th on.
    const curve = (t: number) => 2.0 + 1.5 * Math.exp(-t / 2) + 0.004 * Math.max(0, t - 8);
    const run = { n: 24, noise: 0.003, epochsPerEval: SMALL_TEXT_EPOCHS_PER_EVAL };
    for (const seed of SEEDS) {
      const now = stopOf(EXTENSION_RULE, curve, { ...run, seed });
      const old = stopOf(PATIENCE_ALONE, curve, { ...run, seed });
      assert.ok(old.stop !== null && now.stop !== null, `seed ${seed}: both stop before the budget`);
      assert.equal(now.best, old.best, `seed ${seed}: the same checkpoint`);
      assert.ok(now.stop - old.stop <= 1, `seed ${seed}: ${now.stop} against ${old.stop}`);
    }
  });

  it('runTraining stops once held-out stops improving and reports the best point and its weights', async () => {
    const tr = scripted([3.0, 2.4, 2.2, 2.3, 2.35, 2.5, 2.6]);
    const bests: number[] = [];
    const res = await runTraining(
      tr as unknown as Trainer,
      { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 1000, evalEveryMs: 0, earlyStop: { patience: 3, minDelta: 0 } },
      {
        onProgress: () => {},
        onRecovered: () => {},
        onSnapshot: () => {},
        shouldStop: () => false,
        onBest: (w, b) => {
          assert.equal((w as unknown as { step: number }).step, b.step, 'the weights are the ones that scored');
          bests.push(b.heldOutBpc);
        },
      },
    );
    assert.equal(res.status, 'done');
    assert.equal(res.stoppedEarly, true);
    assert.deepEqual(bests, [3.0, 2.4, 2.2]);
    assert.equal(res.best?.heldOutBpc, 2.2);
    assert.equal(res.best?.step, 3);
    assert.ok(tr.step < 20, `stopped after ${tr.step} steps, long before the 1000-step budget`);
    assert.match(res.message, /stopped improving/);
  });

  it('runTraining without earlyStop runs to its budget and still reports the best point', async () => {
    const tr = scripted([3.0, 2.0, 2.5]);
    const res = await runTraining(
      tr as unknown as Trainer,
      { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 40, evalEveryMs: 0 },
      { onProgress: () => {}, onRecovered: () => {}, onSnapshot: () => {}, shouldStop: () => false },
    );
    assert.equal(res.stoppedEarly, false);
    assert.equal(tr.step, 40);
    assert.deepEqual(res.best, { step: 2, heldOutBpc: 2.0 });
  });

  it('runTraining tells the plateau each evaluation’s epoch: no stop until an epoch after the best', async () => {
    const hooks = { onProgress: () => {}, onRecovered: () => {}, onSnapshot: () => {}, shouldStop: () => false };
    const curve = [3.0, 2.4, 2.2, 2.3, 2.35, 2.5, 2.6];
    const opts = { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 1000, evalEveryMs: 0 };
    // A tenth of an epoch a step (an evaluation each step or so).
    const tr = scripted(curve, 5000, 0.1);
    const res = await runTraining(
      tr as unknown as Trainer,
      { ...opts, earlyStop: { patience: 3, minDelta: 0, epochs: 1 } },
      hooks,
    );
    assert.equal(res.stoppedEarly, true);
    assert.equal(res.best?.heldOutBpc, 2.2);
    assert.ok(tr.step - res.best.step >= 10, `stopped at step ${tr.step}, an epoch after the best (${res.best.step})`);
    assert.ok(tr.step < 30, `and soon after: step ${tr.step}`);
    const alone = scripted(curve, 5000, 0.1);
    await runTraining(alone as unknown as Trainer, { ...opts, earlyStop: { patience: 3, minDelta: 0 } }, hooks);
    assert.ok(alone.step < tr.step, `patience alone stops sooner (step ${alone.step})`);
  });

  it('a continued run only counts what beats the best of the run it continues', async () => {
    const tr = scripted([2.3, 2.25, 2.1]);
    const bests: number[] = [];
    const res = await runTraining(
      tr as unknown as Trainer,
      { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 60, evalEveryMs: 0, best: { step: 0, heldOutBpc: 2.2 } },
      {
        onProgress: () => {},
        onRecovered: () => {},
        onSnapshot: () => {},
        shouldStop: () => false,
        onBest: (_, b) => bests.push(b.heldOutBpc),
      },
    );
    assert.deepEqual(bests, [2.1], 'the first evaluations, worse than the earlier best, are not kept');
    assert.equal(res.best?.heldOutBpc, 2.1);
  });

  it('on a held-out tail too short to choose by, keeps no checkpoint and never stops early', async () => {
    const tr = scripted([5.0, 2.4, 2.2, 2.3, 2.35, 2.5, 2.6, 2.7, 2.8], 130);
    let bests = 0;
    const res = await runTraining(
      tr as unknown as Trainer,
      {
        timeBudgetSec: 0,
        maxEpochs: 0,
        maxSteps: 60,
        evalEveryMs: 0,
        earlyStop: { patience: 3, minDelta: 0 },
        best: { step: 0, heldOutBpc: 2.0 },
        minHeldOutForBest: 1000,
      },
      {
        onProgress: () => {},
        onRecovered: () => {},
        onSnapshot: () => {},
        shouldStop: () => false,
        onBest: () => bests++,
      },
    );
    assert.equal(bests, 0, 'no evaluation becomes the model');
    assert.equal(res.best, null, 'not even the continued run’s best');
    assert.equal(res.stoppedEarly, false);
    assert.equal(tr.step, 60, 'ran to its budget');
    assert.equal(res.heldOutTooShort, 130);
    assert.equal(res.latest?.best, null, 'the panel is told there is no checkpoint');
    assert.equal(res.latest?.heldOutBpc, 2.8, 'held-out bpc is still measured and shown');
    // The same curve on a long enough tail does stop early.
    const long = scripted([5.0, 2.4, 2.2, 2.3, 2.35, 2.5, 2.6, 2.7, 2.8], 1000);
    const res2 = await runTraining(
      long as unknown as Trainer,
      {
        timeBudgetSec: 0,
        maxEpochs: 0,
        maxSteps: 60,
        evalEveryMs: 0,
        earlyStop: { patience: 3, minDelta: 0 },
        minHeldOutForBest: 1000,
      },
      { onProgress: () => {}, onRecovered: () => {}, onSnapshot: () => {}, shouldStop: () => false },
    );
    assert.equal(res2.stoppedEarly, true);
    assert.equal(res2.heldOutTooShort, null);
    assert.deepEqual(res2.best, { step: 3, heldOutBpc: 2.2 });
  });

  it('the extension’s run options choose a checkpoint from 1,000 held-out characters on', () => {
    const opts = runOptionsFor(DEFAULT_TRAINING_CONFIG);
    assert.equal(MIN_HELDOUT_FOR_CHECKPOINT, 1000);
    assert.equal(heldOutTooShortFor({ hasHeldOut: true, heldOutLength: 999 }, opts), 999);
    assert.equal(heldOutTooShortFor({ hasHeldOut: true, heldOutLength: 1000 }, opts), null);
    assert.equal(
      heldOutTooShortFor({ hasHeldOut: false, heldOutLength: 0 }, opts),
      null,
      'no split: nothing to choose by',
    );
    assert.equal(heldOutTooShortFor({ hasHeldOut: true, heldOutLength: 10 }, {}), null, 'the rule is opt-in');
  });

  it('says why the run ended and which model it kept', () => {
    const base = { status: 'done' as const, curve: [], medianCharsPerSec: 0, heldOutTooShort: null };
    const latest = {
      step: 900,
      loss: 1,
      heldOutBpc: 2.4,
      epoch: 3,
      charsPerSec: 0,
      elapsedSec: 80,
      etaSec: 0,
      best: null,
    };
    const best = { step: 600, heldOutBpc: 2.1234 };
    assert.equal(
      keptModelMessage({ ...base, message: 'x', latest, best, stoppedEarly: true }),
      'held-out stopped improving at step 900, best 2.123 bpc at step 600; kept that model',
    );
    assert.equal(
      keptModelMessage({ ...base, message: 'time budget of 120 s used', latest, best, stoppedEarly: false }),
      'time budget of 120 s used; kept the best held-out model (step 600, 2.123 bpc)',
    );
    assert.equal(
      keptModelMessage({ ...base, message: 'done', latest, best: null, stoppedEarly: false }),
      'done',
      'no held-out split: nothing to say about checkpoints',
    );
    assert.equal(
      keptModelMessage({
        ...base,
        message: 'time budget of 10 s used',
        latest,
        best: null,
        stoppedEarly: false,
        heldOutTooShort: 130,
      }),
      'time budget of 10 s used; the held-out text (130 characters) is too short to choose a checkpoint by, so the model is the last weights',
    );
  });
});
