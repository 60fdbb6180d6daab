// The extension activates, registers its command, and the command opens the explorer panel.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lstm-lens.lstm-lens';
const COMMAND = 'lstmLens.openExplorer';

async function eventually<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function explorerTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lstmLens.explorer'));
}

describe('smoke', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it(`registers ${COMMAND} once active`, async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND), `${COMMAND} is among the registered commands`);
  });

  it('opens the explorer panel beside an open document', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const files = await vscode.workspace.findFiles('*.{py,md}', undefined, 1);
    const uri = files[0] ?? vscode.Uri.file(path.join(folder.uri.fsPath, 'example.py'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(explorerTabs().length, 0, 'no explorer panel before the command');
    await vscode.commands.executeCommand(COMMAND);
    const tab = await eventually(() => explorerTabs()[0], 10_000, 'an explorer webview tab');
    const input = tab.input as vscode.TabInputWebview;
    assert.match(input.viewType, /lstmLens\.explorer$/);
  });
});
