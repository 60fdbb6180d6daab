// The recall experiment in the real workbench: run from the palette, its chart drawn with one line per cell and
// chance, the table with intervals and the verdict; then run from the panel and cancelled with Stop.
import * as assert from 'node:assert/strict';
import { vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';

const FILE = 'example.py';

describe('the recall experiment (UI, packaged vsix)', function () {
  this.timeout(300_000);
  let session: Session;
  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);
  const view = () => panel().locator('section.recall-view');

  before(async () => {
    session = await Session.open({
      name: 'ui-recall',
      vsix: vsixPath(),
      openFile: FILE,
      // No training of the document's own model: the experiment needs none, and the core stays free.
      settings: { 'lstmLens.autoTrain': false, 'lstmLens.recallSteps': 300 },
    });
    await session.workbench.waitForActiveEditor(FILE);
    await session.workbench.runCommand('LSTM Lens: Open Explorer');
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  it('runs from the palette and charts accuracy against gap: three cells, their intervals, chance', async () => {
    await session.page.locator('.editor-instance .view-lines').first().click();
    await session.workbench.runCommand('LSTM Lens: Recall Experiment');
    const row = session.page.locator('.quick-input-list .monaco-list-row[aria-label*="Same number of parameters"]');
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
    await session.page.keyboard.press('Enter'); // the first row: the same number of parameters
    await eventually(async () => assert.equal(await view().getAttribute('data-status'), 'running'), 20_000);
    await eventually(
      async () => assert.match((await field('recall-status').textContent()) ?? '', /step \d+ of/),
      60_000,
    );
    await eventually(async () => assert.equal(await view().getAttribute('data-status'), 'done'), 240_000);
    const chart = field('recall-chart');
    assert.equal(await chart.getAttribute('data-lines'), '3');
    const chance = Number(await chart.getAttribute('data-chance'));
    assert.ok(chance > 0 && chance < 0.5, `chance ${chance}`);
    assert.equal(await field('recall-legend').locator('[data-chance]').count(), 1, 'chance has a legend entry');
    const label = (await chart.getAttribute('aria-label')) ?? '';
    assert.match(label, /LSTM \d\.\d\d \[\d\.\d\d, \d\.\d\d\]/, 'every point is described with its interval');
    const rows = field('recall-results').locator('tbody tr[data-cell]');
    assert.deepEqual((await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-cell')))).sort(), [
      'gru',
      'lstm',
      'rnn',
    ]);
    assert.equal(await rows.first().locator('td[data-gap]').count(), 6, 'one interval per gap');
    const verdict = (await field('recall-verdict').textContent()) ?? '';
    assert.match(verdict, /ahead|not separated/);
    console.log(`      ${label}`);
    console.log(`      verdict: ${verdict}`);
    await chart.scrollIntoViewIfNeeded();
    await session.workbench.screenshot('recall-1-chart');
  });

  it('runs from the panel and stops when asked', async () => {
    await field('recall-start').click();
    await eventually(async () => assert.equal(await view().getAttribute('data-status'), 'running'), 20_000);
    await eventually(
      async () => assert.match((await field('recall-status').textContent()) ?? '', /step \d+ of/),
      60_000,
    );
    await field('recall-stop').click();
    await eventually(async () => assert.equal(await view().getAttribute('data-status'), 'stopped'), 20_000);
    assert.equal(await field('recall-stop').isHidden(), true, 'Stop goes away');
    assert.equal(await field('recall-start').isEnabled(), true, 'and Run is back');
    await view().scrollIntoViewIfNeeded();
    await session.workbench.screenshot('recall-2-stopped');
  });
});
