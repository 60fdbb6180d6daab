// A training run answers a waiting message at the next sub-step of its step, not after its slice: with a slice
// that never runs out, the event loop turns only when `messageWaiting` says a message waits, right after the
// sub-step during which it arrived; with nothing waiting it does not turn at all (training pays nothing).
import * as assert from 'node:assert/strict';
import type { ModelWeights } from '../../../src/model/params';
import type { Trainer } from '../../../src/model/trainer';
import { runTraining, type RunHooks } from '../../../src/model/trainingRun';

const SUB_STEPS = 6;

/** A stand-in trainer whose steps have SUB_STEPS sub-steps; `during(step, k)` runs inside sub-step k. */
function stepped(log: string[], during: (step: number, k: number) => void) {
  const fake = {
    step: 0,
    epoch: 0,
    epochProgress: 0,
    charsPerStep: 64,
    *trainStep() {
      for (let k = 0; k < SUB_STEPS; k++) {
        log.push(`${fake.step}.${k}`);
        during(fake.step, k);
        if (k < SUB_STEPS - 1) yield;
      }
      fake.step++;
      return { loss: 1 };
    },
    // eslint-disable-next-line require-yield
    *evaluate() {
      return null;
    },
    weights: () => ({}) as unknown as ModelWeights,
  };
  return fake;
}

/** Runs 4 steps with a slice that never ends; a message "arrives" during sub-step 2.3 (answered by the event loop). */
async function run(withDoorbell: boolean): Promise<string[]> {
  const log: string[] = [];
  let waiting = 0;
  const tr = stepped(log, (step, k) => {
    if (step !== 2 || k !== 3) return;
    waiting++; // posted: the doorbell rang, the message sits in the port's queue
    setImmediate(() => {
      waiting--; // arrived and answered
      log.push('answer');
    });
  });
  const hooks: RunHooks = {
    onProgress: () => {},
    onRecovered: () => {},
    onSnapshot: () => {},
    shouldStop: () => false,
    ...(withDoorbell ? { messageWaiting: () => waiting > 0 } : {}),
  };
  const res = await runTraining(
    tr as unknown as Trainer,
    { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 4, evalEveryMs: 1e9, sliceMs: 1e9 },
    hooks,
  );
  assert.equal(res.status, 'done');
  await new Promise((r) => setImmediate(r));
  return log;
}

describe('model/trainingRun: a waiting message', () => {
  it('is answered right after the sub-step it arrived in, not after the slice', async () => {
    const log = await run(true);
    const at = log.indexOf('answer');
    assert.equal(log[at - 1], '2.3', `answered after ${log[at - 1]}`);
    assert.equal(log[at + 1], '2.4', 'then the step goes on');
    assert.equal(log.filter((x) => x !== 'answer').length, 4 * SUB_STEPS, 'every sub-step ran');
  });

  it('without a doorbell waits for the slice: here the end of the run', async () => {
    const log = await run(false);
    assert.equal(log.indexOf('answer'), log.length - 1, 'answered only once the run was over');
  });

  it('with nothing waiting, the run does not turn the event loop within its slice', async () => {
    const log: string[] = [];
    const tr = stepped(log, () => {});
    let turns = 0;
    let on = true;
    const count = () => {
      if (!on) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    await runTraining(
      tr as unknown as Trainer,
      { timeBudgetSec: 0, maxEpochs: 0, maxSteps: 4, evalEveryMs: 1e9, sliceMs: 1e9 },
      {
        onProgress: () => {},
        onRecovered: () => {},
        onSnapshot: () => {},
        shouldStop: () => false,
        messageWaiting: () => false,
      },
    );
    on = false;
    assert.equal(log.length, 4 * SUB_STEPS);
    assert.equal(turns, 0, 'no event-loop turn between sub-steps');
  });
});
