// The explorer panel follows the editor's cursor, in the real workbench with the packaged vsix.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesDir, vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';

const FILE = 'example.py';
const START_FILE = 'prose.md';
const COMMAND_TITLE = 'LSTM Lens: Open Explorer';

/** What the panel must show for a cursor at 1-based (line, col) in `text`. */
function expected(text: string, line: number, col: number) {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  offset += col - 1;
  return { position: `Ln ${line}, Col ${col}`, offset, before: text.slice(0, offset) };
}

describe('explorer panel (UI, packaged vsix)', function () {
  this.timeout(120_000);
  const text = readFileSync(join(samplesDir(), FILE), 'utf8');
  const lines = text.split('\n');
  let session: Session;

  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);

  /** Waits until the panel shows the cursor at (line, col), and checks the offset and context. */
  async function assertPanelAt(line: number, col: number): Promise<void> {
    const want = expected(text, line, col);
    await eventually(async () => {
      assert.equal((await field('cursor-position').textContent({ timeout: 2_000 }))?.trim(), want.position);
      assert.equal((await field('cursor-offset').textContent({ timeout: 2_000 }))?.trim(), String(want.offset));
    }, 10_000);
    assert.equal(await session.workbench.statusBarPosition(), want.position, 'the editor agrees');
    const context = (await field('context').textContent({ timeout: 2_000 })) ?? '';
    assert.ok(want.before.endsWith(context), `context ${JSON.stringify(context)} ends the text before the cursor`);
    if (want.offset > 0) assert.ok(context.length > 0, 'context is not empty away from the start');
  }

  before(async () => {
    // prose.md opens at start-up through the URL payload, as `npm start` does it.
    session = await Session.open({ name: 'ui-explorer', vsix: vsixPath(), openFile: START_FILE });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      await session.workbench.screenshot(`explorer-FAILED-${this.currentTest.title}`).catch(() => undefined);
      const toasts = await session.workbench.notifications().catch(() => []);
      if (toasts.length) console.log(`    notifications: ${toasts.join(' | ')}`);
    }
  });

  after(async () => {
    await session?.close();
    // Also fails the run on errors logged while the extension host shut down.
    if (session)
      assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log at shutdown');
  });

  it(`opens ${START_FILE} at start-up from the URL payload (openFile)`, async () => {
    await session.page
      .locator(`.tabs-container .tab.active[aria-label*="${START_FILE}"]`)
      .waitFor({ state: 'visible', timeout: 30_000 });
  });

  it(`opens ${FILE} with Ctrl+P`, async () => {
    await session.workbench.quickOpen(FILE);
    await session.workbench.screenshot('explorer-1-file-open');
  });

  it(`runs "${COMMAND_TITLE}" from the command palette and shows the panel`, async () => {
    await session.workbench.runCommand(COMMAND_TITLE);
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal((await field('doc-name').textContent())?.trim(), FILE);
    // The panel opened beside the editor without taking the keyboard focus.
    await session.page.locator('.editor-instance .monaco-editor.focused').waitFor({ state: 'visible', timeout: 5_000 });
    await session.workbench.screenshot('explorer-2-panel-open');
  });

  it('follows the cursor to the end of the document (Ctrl+End)', async () => {
    await session.workbench.moveCursor(['Control+End']);
    await assertPanelAt(lines.length, lines[lines.length - 1].length + 1);
    await session.workbench.screenshot('explorer-3-ctrl-end');
  });

  it('follows the arrow keys', async () => {
    await session.workbench.moveCursor(['Control+Home', 'ArrowDown', 'ArrowDown', 'End']);
    await assertPanelAt(3, lines[2].length + 1);
    await session.workbench.moveCursor(['ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft']);
    await assertPanelAt(3, lines[2].length + 1 - 5);
    await session.workbench.moveCursor(['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']);
    const want = Math.min(lines[2].length + 1 - 5, lines[6].length + 1);
    await assertPanelAt(7, want);
    await session.workbench.screenshot('explorer-4-arrows');
  });

  it('follows the cursor back to the start (Ctrl+Home)', async () => {
    await session.workbench.moveCursor(['Control+Home']);
    await assertPanelAt(1, 1);
    assert.equal((await field('context').textContent())?.length ?? 0, 0);
    await session.workbench.screenshot('explorer-5-ctrl-home');
  });

  it('leaves no [error] lines in the extension host log', () => {
    assert.deepEqual(session.extHostErrors(), []);
  });
});
