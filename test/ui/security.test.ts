// Hostile document text: that looks like markup or script is shown literally in the real webview and never runs.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputRoot, samplesDir, vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';

const HOSTILE = [
  '<img src=x onerror="document.title=\'pwned\';window.lstmLensPwned=1">',
  '</script><script>window.lstmLensPwned=2</script>',
  '<a href="javascript:window.lstmLensPwned=3">click</a>',
  '<style>body{display:none}</style><iframe src="https://example.com"></iframe>',
  '{{constructor.constructor("window.lstmLensPwned=4")()}}',
];
// Long enough to train on; the hostile lines are last, so they sit right before the cursor at the end.
const TEXT = 'plain text that a model can learn from, line after line.\n'.repeat(20) + HOSTILE.join('\n') + '\n';

describe('hostile document text (UI, packaged vsix)', function () {
  this.timeout(120_000);
  let session: Session;
  const panel = () => session.workbench.webview();
  const field = (id: string) => panel().locator(`[data-testid="${id}"]`);
  const dialogs: string[] = [];

  before(async () => {
    const ws = mkdtempSync(join(outputRoot(), 'security-ws-'));
    cpSync(samplesDir(), ws, { recursive: true });
    writeFileSync(join(ws, 'hostile.html'), TEXT);
    session = await Session.open({
      name: 'ui-security',
      vsix: vsixPath(),
      workspace: ws,
      openFile: 'hostile.html',
      settings: {
        'lstmLens.hiddenSize': 16,
        'lstmLens.trainingTimeBudget': 5,
        'lstmLens.sequenceLength': 32,
        'lstmLens.contextWindow': 200, // all hostile lines fit in the context box
      },
    });
    session.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  it('shows markup and script from the document as literal text', async () => {
    await session.workbench.waitForActiveEditor('hostile.html');
    await session.workbench.runCommand('LSTM Lens: Open Explorer');
    await panel().locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    await session.workbench.moveCursor(['Control+End']);
    const context = await eventually(async () => {
      const text = (await field('context').textContent({ timeout: 2_000 })) ?? '';
      for (const line of HOSTILE.slice(-3)) assert.ok(text.includes(line), `context shows ${JSON.stringify(line)}`);
      return text;
    }, 20_000);
    assert.ok(TEXT.endsWith(context), 'the context is exactly the document text');
    // The text is a single text node: no element was created from it.
    const children = await field('context').evaluate((e) => e.children.length);
    assert.equal(children, 0, 'no elements inside the context box');
    await session.workbench.screenshot('security-1-literal-text');
  });

  it('runs nothing the document contains, in the webview and in the workbench', async () => {
    // Wait for a trained model too: its heatmap labels and predictions show document characters.
    await eventually(async () => {
      const status = await panel().locator('section.training-view').getAttribute('data-status', { timeout: 2_000 });
      assert.ok(status === 'done' || status === 'stopped', `training finished (${status})`);
    }, 60_000);
    await session.workbench.moveCursor(['Control+End']);
    await field('heatmap-labels').waitFor({ state: 'attached', timeout: 20_000 });
    const webviewState = await panel()
      .locator('body')
      .evaluate(() => ({
        pwned: (window as unknown as { lstmLensPwned?: number }).lstmLensPwned ?? null,
        title: document.title,
        images: document.images.length,
        iframes: document.querySelectorAll('iframe').length,
        // VS Code injects its own messaging script; ours is the one with a nonce. None may carry document text.
        documentScripts: [...document.scripts].filter((sc) => /lstmLensPwned|constructor/.test(sc.textContent ?? ''))
          .length,
        nonceScripts: [...document.scripts].filter((sc) => sc.nonce).length,
        links: document.querySelectorAll('a[href]').length,
        csp: document.body.dataset.cspViolations ?? '0',
      }));
    assert.deepEqual(
      { ...webviewState, title: undefined },
      { pwned: null, title: undefined, images: 0, iframes: 0, documentScripts: 0, nonceScripts: 1, links: 0, csp: '0' },
      "only our own nonce'd script, no document-made elements, no CSP violations",
    );
    assert.notEqual(webviewState.title, 'pwned');
    const workbenchPwned = await session.page.evaluate(
      () => (window as unknown as { lstmLensPwned?: number }).lstmLensPwned ?? null,
    );
    assert.equal(workbenchPwned, null);
    assert.notEqual(await session.page.title(), 'pwned');
    assert.deepEqual(dialogs, [], 'no alert/confirm dialogs');
    await session.workbench.screenshot('security-2-after-training');
  });
});
