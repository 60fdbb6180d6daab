// Editor insight in the real workbench: unit labels in the panel, the activation and surprisal overlays in the editor, the hover.
import * as assert from 'node:assert/strict';
import { vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import { colouredEditorBoxes, gotoLine } from './panelHelpers';

const FILE = 'example.py';

describe('editor insight (UI, packaged vsix)', function () {
  this.timeout(150_000);
  let session: Session;
  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);

  const colouredSpans = () => colouredEditorBoxes(session.page);

  before(async () => {
    session = await Session.open({
      name: 'ui-insight',
      vsix: vsixPath(),
      openFile: FILE,
      settings: {
        'lstmLens.hiddenSize': 32,
        'lstmLens.trainingTimeBudget': 10,
        'lstmLens.sequenceLength': 32,
        'lstmLens.batchSize': 16,
      },
    });
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  it('lists automatic unit labels once training finishes', async () => {
    await session.workbench.waitForActiveEditor(FILE);
    await session.workbench.runCommand('LSTM Lens: Open Explorer');
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    const entries = await eventually(async () => {
      const texts = await field('unit-labels').locator('button.unit-entry').allTextContents();
      assert.ok(texts.length >= 3, `labels listed (${texts.length})`);
      return texts;
    }, 90_000);
    for (const t of entries) assert.match(t, /^unit \d+ \((cell|hidden)\) tracks .+, r = -?\d\.\d\d$/);
    console.log(`      ${entries.slice(0, 4).join(' | ')}`);
  });

  it('colours the editor text by a unit picked from the labels', async () => {
    const before = await colouredSpans();
    await field('unit-labels').locator('button.unit-entry').first().click();
    await eventually(async () => {
      assert.equal(await field('overlay-activation').getAttribute('aria-pressed'), 'true');
      const n = await colouredSpans();
      assert.ok(n > before + 20, `coloured spans: ${n} (was ${before})`);
    }, 20_000);
    await eventually(async () => {
      const pressed = await field('unit-labels').locator('button.unit-entry').first().getAttribute('aria-pressed');
      assert.equal(pressed, 'true', 'the clicked label is marked as the pinned unit');
    }, 10_000);
    await session.workbench.screenshot('insight-1-activation-overlay');
  });

  it('colours by surprisal and explains a character on hover', async () => {
    await field('overlay-surprisal').click();
    await eventually(async () => {
      assert.equal(await field('overlay-surprisal').getAttribute('aria-pressed'), 'true');
      assert.ok((await colouredSpans()) > 20);
    }, 20_000);
    // Hover a character in the middle of a line of code.
    const line = session.page.locator('.editor-instance .view-line').nth(8);
    const box = (await line.boundingBox())!;
    await session.page.mouse.move(box.x + 80, box.y + box.height / 2);
    const hover = session.page.locator('.monaco-hover-content', { hasText: 'LSTM Lens' });
    await hover.first().waitFor({ state: 'visible', timeout: 15_000 });
    const text = ((await hover.first().textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(text, /bits/);
    assert.match(text, /Training text|Held-out text/);
    assert.match(text, /The model expected/);
    await session.workbench.screenshot('insight-2-surprisal-hover');
    await session.page.mouse.move(5, 5);
  });

  it('finds units by example from a selection (command palette, QuickPick)', async () => {
    // Select the string literal "apple" on the line `inventory.add("apple", 0.5, 10)`.
    // Focus the editor first: the panel's buttons had it.
    await session.page.locator('.editor-instance .view-lines').first().click();
    await gotoLine(session.page, 39, 19);
    await session.page.keyboard.press('Shift+ArrowRight', { delay: 20 });
    for (let i = 0; i < 6; i++) await session.page.keyboard.press('Shift+ArrowRight', { delay: 20 });
    await session.workbench.runCommand('LSTM Lens: Find Units Matching Selection');
    const high = session.page.locator('.quick-input-list .monaco-list-row', { hasText: 'High inside the selection' });
    await high.first().waitFor({ state: 'visible', timeout: 10_000 });
    await session.page.keyboard.press('Enter');
    const rows = session.page.locator('.quick-input-list .monaco-list-row', { hasText: 'AUC' });
    await rows.first().waitFor({ state: 'visible', timeout: 20_000 });
    const first = (await rows.first().textContent()) ?? '';
    assert.match(first, /Unit \d+ \((c|h), layer 1\).*AUC \d\.\d\d/);
    await session.workbench.screenshot('insight-3-find-units');
    await session.page.keyboard.press('Enter');
    await eventually(async () => {
      const matches = await field('unit-matches').locator('button.unit-entry').allTextContents();
      assert.ok(matches.length > 0, 'the panel lists the matches');
      assert.match(matches[0], /AUC/);
      assert.equal(
        await field('overlay-activation').getAttribute('aria-pressed'),
        'true',
        'the chosen unit is overlaid',
      );
    }, 15_000);
    await session.workbench.screenshot('insight-4-matched-unit-overlay');
  });

  it('writes on from the cursor when asked (lab: sampling)', async () => {
    await field('sample-button').click();
    const text = await eventually(async () => {
      const t = (await field('sample-text').textContent()) ?? '';
      assert.ok(t.length > 50, `a continuation appears: ${JSON.stringify(t)}`);
      return t;
    }, 20_000);
    assert.equal(await field('sample-text').evaluate((e) => e.children.length), 0, 'shown as plain text');
    console.log(`      sampled: ${JSON.stringify(text.slice(0, 60))}`);
    await field('sample-text').scrollIntoViewIfNeeded();
    await session.workbench.screenshot('insight-5-sampling');
  });

  it('turns the overlay off again', async () => {
    await field('overlay-activation').click();
    await eventually(async () => {
      assert.equal(await field('overlay-activation').getAttribute('aria-pressed'), 'false');
      assert.equal(await field('overlay-surprisal').getAttribute('aria-pressed'), 'false');
      assert.ok((await colouredSpans()) < 20, 'no overlay colours left');
    }, 20_000);
  });
});
