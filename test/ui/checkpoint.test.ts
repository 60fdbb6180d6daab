// The best checkpoint in the real workbench: on a 12 KB file (a held-out tail of 1,200 characters, enough to
// choose a checkpoint by) of random words the held-out score soon stops improving,
// training stops early and the panel says so and which model it kept; the saved model is that checkpoint
// (its step and score), and after a window reload the panel shows the same model again.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import { COMMAND_TITLE, FAST_SETTINGS, PanelDriver, reloadWindow, savedModelMetas } from './panelHelpers';

const FILE = 'scrambled.txt';
/** Words of random letters (a fixed LCG): the training split is memorised in seconds, the held-out tail can't be learned. */
function scrambled(n: number): string {
  let x = 12345;
  let s = '';
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += x % 7 === 0 ? ' ' : String.fromCharCode(97 + ((x >> 8) % 26));
  }
  return s + '\n';
}

describe('best checkpoint and early stopping (UI)', function () {
  this.timeout(180_000);
  let session: Session;
  let panel: PanelDriver;

  before(async () => {
    session = await Session.open({
      name: 'ui-checkpoint',
      vsix: vsixPath(),
      settings: { ...FAST_SETTINGS, 'lstmLens.trainingTimeBudget': 150, 'lstmLens.learningRate': 0.01 },
      beforeGoto: async (_page, server) => writeFileSync(join(server.workspace, FILE), scrambled(12_000)),
    });
    panel = new PanelDriver(session.workbench);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session)
      await session.workbench.screenshot(`checkpoint-FAILED-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  let kept: { step: number; bpc: string } = { step: 0, bpc: '' };

  it('stops when held-out stops improving, says so, and shows the kept model (step, bpc)', async () => {
    await session.workbench.quickOpen(FILE);
    await session.workbench.runCommand(COMMAND_TITLE);
    await panel.waitReady();
    await panel.waitStatus('training', 'Training…', 20_000);
    await eventually(
      async () => assert.match((await panel.stats())['Model in use'] ?? '', /^step \d+ · \d\.\d{3} bpc$/),
      30_000,
    );
    await panel.waitStatus('done', 'Done', 140_000);
    const message = await panel.text('training-message');
    const m = /^held-out stopped improving at step (\d+), best (\d\.\d{3}) bpc at step (\d+); kept that model$/.exec(
      message,
    );
    assert.ok(m, `the stop reason: ${JSON.stringify(message)}`);
    const [stoppedAt, bpc, bestStep] = [Number(m[1]), m[2], Number(m[3])];
    assert.ok(bestStep < stoppedAt, `the best (${bestStep}) came before the stop (${stoppedAt})`);
    const stats = await panel.stats();
    assert.equal(stats['Model in use'], `step ${bestStep.toLocaleString('en-US')} · ${bpc} bpc`);
    assert.equal(Number(stats.Step.replace(/\D/g, '')), stoppedAt, 'the step count is where it stopped');
    kept = { step: bestStep, bpc };
    await session.workbench.screenshot('checkpoint-1-stopped-early');
  });

  it('saves that checkpoint (its step and score, not the last weights)', async () => {
    await eventually(() => assert.ok(savedModelMetas(session.server).length > 0, 'a saved model'), 15_000, 200);
    const file = savedModelMetas(session.server)[0].file;
    const meta = JSON.parse(readFileSync(file, 'utf8')) as { steps: number; heldOutBpc: number };
    assert.equal(meta.steps, kept.step);
    assert.equal(meta.heldOutBpc.toFixed(3), kept.bpc);
    const model = JSON.parse(readFileSync(join(dirname(file), 'model.json'), 'utf8')) as {
      meta: { checkpoint?: { step: number; heldOutBpc: number } };
    };
    assert.equal(model.meta.checkpoint?.step, kept.step, 'the weights file names the same checkpoint');
  });

  it('after "Developer: Reload Window" the restored model is the same checkpoint', async () => {
    await reloadWindow(session.workbench);
    await panel.waitReady(60_000);
    await panel.waitStatus('done', 'Done', 30_000);
    assert.equal(await panel.text('training-message'), 'Loaded the saved model for this document.');
    await eventually(
      async () =>
        assert.equal(
          (await panel.stats())['Model in use'],
          `step ${kept.step.toLocaleString('en-US')} · ${kept.bpc} bpc`,
        ),
      20_000,
    );
    await session.workbench.screenshot('checkpoint-2-reloaded');
  });
});
