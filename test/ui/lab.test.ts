// The long-term-dependency lab in the real workbench: the memory-span strip and editor overlay, an intervention side by side with the
// unchanged model, Compare Cells with its curves and probe, and ghost text accepted with Tab.
import * as assert from 'node:assert/strict';
import { vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import { colouredEditorBoxes, gotoLine } from './panelHelpers';

const FILE = 'example.py';

describe('the long-term-dependency lab (UI, packaged vsix)', function () {
  this.timeout(150_000);
  let session: Session;
  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);

  const shadedBoxes = () => colouredEditorBoxes(session.page);

  before(async () => {
    session = await Session.open({
      name: 'ui-lab',
      vsix: vsixPath(),
      openFile: FILE,
      settings: {
        'lstmLens.hiddenSize': 32,
        'lstmLens.trainingTimeBudget': 10,
        'lstmLens.sequenceLength': 32,
        'lstmLens.batchSize': 16,
        'lstmLens.compareBudget': 5,
        'lstmLens.inlineSuggestions': true,
      },
    });
    await session.workbench.waitForActiveEditor(FILE);
    await session.workbench.runCommand('LSTM Lens: Open Explorer');
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    await field('memory-measure').waitFor({ state: 'visible', timeout: 90_000 }); // shown once a model exists
    // The whole budget: Compare Cells would pause the document's own training.
    await panel().locator('section.training-view[data-status="done"]').waitFor({ state: 'attached', timeout: 90_000 });
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  it('on this 1.3 KB file follows the latest weights: 130 held-out characters are too few to choose a checkpoint by', async () => {
    const message = (await field('training-message').textContent()) ?? '';
    assert.match(message, /the held-out text \(\d+ characters\) is too short to choose a checkpoint by/);
    assert.equal(await field('model-in-use').locator('dd').textContent(), 'latest weights');
    await session.workbench.screenshot('lab-0-latest-weights');
  });

  it('measures the memory span at the cursor and draws it as a strip over the preceding text', async () => {
    await session.page.locator('.editor-instance .view-lines').first().click();
    await gotoLine(session.page, 43, 60); // inside the f-string, after "{item.quantity:3d} x {item.p"
    await field('memory-measure').click();
    const strip = field('memory-strip');
    await eventually(async () => assert.equal(await strip.getAttribute('data-tokens'), '96'), 20_000);
    const peak = Number(await strip.getAttribute('data-peak'));
    assert.ok(peak >= 1 && peak <= 96, `the strongest dependence is within the window (${peak})`);
    assert.match((await strip.getAttribute('aria-label')) ?? '', /strongest dependence/);
    assert.ok(((await field('memory-explanation').textContent()) ?? '').length > 40, 'a line on how to read it');
    console.log(`      ${await strip.getAttribute('aria-label')}`);
    await strip.scrollIntoViewIfNeeded();
    await session.workbench.screenshot('lab-1-memory-strip');
  });

  it('follows the cursor with an editor overlay when asked, and takes it away again', async () => {
    const before = await shadedBoxes();
    await field('memory-follow').click();
    await eventually(async () => {
      const n = await shadedBoxes();
      assert.ok(n > before + 2, `shaded runs of characters in the editor: ${n} (was ${before})`);
    }, 20_000);
    await session.workbench.screenshot('lab-2-memory-overlay');
    await field('memory-follow').click();
    await eventually(async () => assert.ok((await shadedBoxes()) <= before, 'the overlay is gone'), 20_000);
  });

  it('shuts the forget gates and shows the change beside the unchanged model; Reset clears it', async () => {
    await field('intervention-target').click();
    await panel().locator('[data-testid="intervention-target"] vscode-option[value="f-shut"]').click();
    await field('intervention-apply').click();
    const [baseline, clamped] = await eventually(async () => {
      const b = (await field('intervention-baseline').textContent()) ?? '';
      const c = (await field('intervention-clamped').textContent()) ?? '';
      assert.ok(b.length > 20 && c.length > 20, 'both continuations are shown');
      return [b, c];
    }, 20_000);
    assert.equal(await field('intervention-baseline-top').locator('li').count(), 5);
    assert.equal(await field('intervention-clamped-top').locator('li').count(), 5);
    console.log(`      unchanged: ${JSON.stringify(baseline.slice(0, 50))}`);
    console.log(`      f = 0:     ${JSON.stringify(clamped.slice(0, 50))}`);
    await field('intervention-clamped').scrollIntoViewIfNeeded();
    await session.workbench.screenshot('lab-3-intervention');
    await field('intervention-reset').click();
    await eventually(async () => assert.equal(await field('intervention-result').isVisible(), false), 10_000);
  });

  it('offers the model’s continuation as ghost text in the editor, accepted with Tab', async () => {
    // A new line after `inventory.add("pear", 0.75, 4)`: the model should go on with the same kind of line.
    await session.page.locator('.editor-instance .view-line', { hasText: '"pear"' }).first().click();
    await session.page.keyboard.press('End');
    await session.page.keyboard.press('Enter');
    const start = await eventually(async () => {
      const at = await session.workbench.statusBarPosition();
      assert.match(at, /^Ln 41, /, 'a new line 41');
      return at;
    }, 10_000);
    const col = /Col (\d+)/.exec(start)![1];
    const ghost = session.page.locator('.editor-instance .ghost-text-decoration, .editor-instance .ghost-text');
    const suggestion = await eventually(async () => {
      // Typing (here: Enter) asks for suggestions by itself; the palette command is the fallback.
      await ghost
        .first()
        .waitFor({ state: 'visible', timeout: 3_000 })
        .catch(async () => {
          await session.workbench.runCommand('Trigger Inline Suggestion');
          await ghost.first().waitFor({ state: 'visible', timeout: 5_000 });
        });
      const t = (await ghost.allTextContents()).join('').replace(/\u00a0/g, ' ');
      assert.ok(t.trim().length > 0, 'ghost text is shown');
      return t;
    }, 30_000);
    await session.workbench.screenshot('lab-5-ghost-text');
    await session.page.keyboard.press('Tab');
    await eventually(async () => {
      const now = await session.workbench.statusBarPosition();
      assert.equal(now, `Ln 41, Col ${Number(col) + suggestion.length}`, 'the cursor is after the accepted text');
    }, 10_000);
    console.log(`      ghost text accepted on a new line: ${JSON.stringify(suggestion)}`);
    await session.page.keyboard.press('Control+Z');
  });

  it('compares RNN, GRU and LSTM: curves, a results table and the long-range probe', async () => {
    const view = panel().locator('.compare-view');
    await field('compare-start').click();
    await eventually(async () => assert.equal(await view.getAttribute('data-status'), 'running'), 10_000);
    await eventually(async () => {
      assert.equal(await view.getAttribute('data-status'), 'done');
      assert.equal(await view.getAttribute('data-probe'), 'ready');
    }, 120_000);
    const rows = field('compare-results').locator('tr[data-cell]');
    assert.equal(await rows.count(), 3);
    const cells = await rows.evaluateAll((rs) =>
      rs.map((r) => [r.getAttribute('data-cell'), Number(r.querySelector('[data-bpc]')?.getAttribute('data-bpc'))]),
    );
    assert.deepEqual(cells.map(([c]) => c).sort(), ['gru', 'lstm', 'rnn']);
    for (const [cell, bpc] of cells) assert.ok(Number.isFinite(bpc) && (bpc as number) > 0, `${cell}: bpc ${bpc}`);
    console.log(`      ${(await field('compare-results').innerText()).replace(/\s+/g, ' ')}`);
    await field('compare-probe').scrollIntoViewIfNeeded();
    await session.workbench.screenshot('lab-4-compare-cells');
  });
});
