// Probes and the unit inspector in the real workbench: after training the panel lists what the whole state knows
// (one probe line per feature), a probe's unit is pinned by a click, the inspector lists that unit's top and
// bottom contexts, and clicking a context jumps the editor there; a probe itself colours the editor.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesDir, vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import { colouredEditorBoxes, lineColAt } from './panelHelpers';

const FILE = 'example.py';

describe('probes and the unit inspector (UI, packaged vsix)', function () {
  this.timeout(150_000);
  let session: Session;
  const text = readFileSync(join(samplesDir(), FILE), 'utf8');
  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);

  before(async () => {
    session = await Session.open({
      name: 'ui-probes',
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

  it('lists one probe per feature once training finishes', async () => {
    await session.workbench.waitForActiveEditor(FILE);
    await session.workbench.runCommand('LSTM Lens: Open Explorer');
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    const lines = await eventually(async () => {
      const texts = await field('probes').locator('li.probe-line').allTextContents();
      assert.ok(texts.length >= 3, `probes listed (${texts.length})`);
      return texts;
    }, 90_000);
    for (const l of lines)
      assert.match(l, /^the state knows .+: (AUC|R²) -?\d+\.\d\d— strongest units (L2·)?[ch]\d+(, (L2·)?[ch]\d+)*$/, l);
    assert.match(
      (await field('probe-note').textContent()) ?? '',
      /Probes fitted on \d+ positions of the training text and scored on \d+ held-out characters they were not fitted on/,
    );
    console.log(`      ${lines.slice(0, 3).join(' | ')}`);
  });

  it('pins a probe’s unit by a click and inspects it', async () => {
    const unit = field('probes').locator('button.probe-unit').first();
    const name = (await unit.textContent()) ?? '';
    await unit.click();
    await eventually(async () => {
      assert.equal(await unit.getAttribute('aria-pressed'), 'true', 'the clicked unit is pinned');
      assert.equal(await field('overlay-activation').getAttribute('aria-pressed'), 'true', 'and overlaid');
      const title = (await field('inspector').locator('h3').textContent()) ?? '';
      assert.match(title, new RegExp(`^Inspector: unit ${name} \\(layer 1\\)$`));
      assert.equal(await field('inspector-top').locator('button.snippet').count(), 10);
      assert.equal(await field('inspector-bottom').locator('button.snippet').count(), 10);
    }, 30_000);
    // The snippet is text, never markup: every character is its own element holding plain text.
    const first = field('inspector-top').locator('button.snippet').first();
    assert.equal(await first.locator('.snippet-char').count(), await first.locator('.snippet-bar').count());
    assert.ok(await field('inspector-histogram').isVisible());
    await field('inspector').scrollIntoViewIfNeeded();
    await session.workbench.screenshot('probes-1-inspector');
  });

  it('jumps the editor to a context clicked in the inspector', async () => {
    const snippets = field('inspector-bottom').locator('button.snippet');
    // The last listed context: the least likely to sit where the cursor already is.
    const target = snippets.last();
    const start = Number(await target.getAttribute('data-start'));
    const want = lineColAt(text, start);
    await target.click();
    await eventually(async () => {
      const at = await session.workbench.statusBarPosition();
      assert.match(
        at,
        new RegExp(`^Ln ${want.line}, Col ${want.col}\\b`),
        `editor at ${at}, want ${want.line}:${want.col}`,
      );
    }, 10_000);
    console.log(`      jumped to offset ${start} (Ln ${want.line}, Col ${want.col})`);
  });

  it('colours the editor by a probe’s output and inspects the probe', async () => {
    const feature = field('probes').locator('button.probe-feature').first();
    const before = await colouredEditorBoxes(session.page);
    await feature.click();
    await eventually(async () => {
      assert.equal(await feature.getAttribute('aria-pressed'), 'true');
      const title = (await field('inspector').locator('h3').textContent()) ?? '';
      assert.match(title, /^Inspector: probe for .+/);
      const n = await colouredEditorBoxes(session.page);
      assert.ok(n > 20, `coloured spans ${n} (was ${before})`);
      assert.equal(await field('overlay-activation').getAttribute('aria-pressed'), 'false', 'the probe, not the unit');
    }, 30_000);
    await session.workbench.screenshot('probes-2-probe-overlay');
  });
});
