// Early stopping: the plateau detector and runTraining's best point, driven by a scripted held-out curve.
import * as assert from 'node:assert/strict';
import type { ModelWeights } from '../../../src/model/params';
import { keptModelMessage, MIN_HELDOUT_FOR_CHECKPOINT, runOptionsFor } from '../../../src/model/bestModel';
import { DEFAULT_TRAINING_CONFIG } from '../../../src/model/config';
import { Plateau } from '../../../src/model/plateau';
import type { Trainer } from '../../../src/model/trainer';
import { heldOutTooShortFor, runTraining } from '../../../src/model/trainingRun';

/** A stand-in trainer whose k-th evaluation returns curve[k] (then the last value forever). */
function scripted(curve: number[], heldOutLength = 5000) {
  let evals = 0;
  const fake = {
    hasHeldOut: heldOutLength >= 2,
    heldOutLength,
    step: 0,
    epoch: 0,
    epochProgress: 0,
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
