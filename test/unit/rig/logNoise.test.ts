// The real-VS-Code rig ignores VS Code's own extension-host errors, and only those: an error of ours must fail a run.
import * as assert from 'node:assert/strict';
import { SHUTDOWN_NOISE } from '../../rig/server';

const ignored = (block: string) => SHUTDOWN_NOISE.some((re) => re.test(block));
const at = '2026-11-28 00:05:10.379 [error] ';

describe('rig: extension-host log noise', () => {
  it('ignores VS Code’s own failures seen on loaded CI machines', () => {
    for (const block of [
      `${at}Error: read ECONNRESET\n\tat TCP.onStreamRead (node:internal/stream_base_commons:218:20)`,
      `${at}[vscode.html-language-features] provider FAILED`,
      `${at}Error: Starting server failed\n\tat R.$start (/x/code-server-4.100.3/package/lib/vscode/extensions/html-language-features/client/dist/node/htmlClientMain.js:2:282149)`,
      `${at}Error: connect ENOENT /tmp/code-server-ipc.sock`,
      `${at}Error: EEXIST: file already exists, open '/ud/User/workspaceStorage/abc123/vscode.lock'`,
      `${at}Error: Channel has been closed\n\tat s (file:///x/code-server-4.100.3/package/lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js:125:2431)\n\tat R.info (/x/code-server-4.100.3/package/lib/vscode/extensions/json-language-features/client/dist/node/jsonClientMain.js:2:290524)\n\tat ChildProcess.emit (node:events:524:28)`,
    ])
      assert.equal(ignored(block), true, block);
  });

  it('keeps every error with a frame of ours, even one that looks like noise', () => {
    const ours = '/root/.local/share/code-server/extensions/lstm-lens.lstm-lens-0.1.0/dist/extension.js:1:2';
    for (const block of [
      `${at}Error: boom\n\tat activate (${ours})`,
      `${at}Error: read ECONNRESET\n\tat TCP.onStreamRead (node:internal/stream_base_commons:218:20)\n\tat send (${ours})`,
      `${at}LSTM Lens: the trainer crashed`,
      `${at}Error: Channel has been closed\n\tat s (file:///x/lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js:125:2431)\n\tat post (${ours})`,
    ])
      assert.equal(ignored(block), false, block);
  });
});
