// The extension runs in whichever extension host the run gave it — Node's, or VS Code for the Web's Web
// Worker (runIntegration --web) — and there trains, answers at the cursor, and saves the model in its
// storage through workspace.fs. The same assertions in both hosts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { storeKey, textHash } from '../../src/host/core/modelStore';
import {
  closeAllEditors,
  eventually,
  lens,
  moveCursor,
  restoreSettings,
  structuredText,
  useFastSettings,
} from './helpers';

/** A Web Worker extension host has no `process`; Node's has. */
const webHost = typeof (globalThis as { process?: unknown }).process === 'undefined';

describe(`the ${webHost ? 'web' : 'Node'} extension host`, function () {
  this.timeout(90_000);
  let file: vscode.Uri;

  before(async () => {
    await useFastSettings();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    file = vscode.Uri.joinPath(folder.uri, `host-${webHost ? 'web' : 'node'}.py`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(structuredText(120)));
  });

  after(async () => {
    await restoreSettings();
    await closeAllEditors();
    await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
  });

  it('tells the panel which host it runs in', async () => {
    const l = await lens();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    assert.equal(l.inspect().currentUri, editor.document.uri.toString());
    assert.equal(l.inspect().snapshot.settings.host, webHost ? 'web' : 'node');
  });

  it('trains (on Open Explorer), answers at the cursor and saves the model through workspace.fs', async () => {
    const l = await lens();
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.toString() === file.toString(), 'the test file is active');
    // Open Explorer started training (lstmLens.autoTrain); wait for the end of that run.
    const done = await eventually(
      () => {
        const t = l.inspect().snapshot.training;
        return t && (t.status === 'done' || t.status === 'stopped') && t.latest ? t : undefined;
      },
      60_000,
      'training to finish (5 s budget)',
    );
    assert.ok(done.latest && done.latest.step > 0 && done.latest.charsPerSec > 0, 'steps were taken');
    const text = editor.document.getText();
    const offset = text.indexOf('return "') + 'return "'.length;
    moveCursor(editor, offset);
    const prediction = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === offset && s.prediction?.contextTokens.length ? s.prediction : undefined;
      },
      10_000,
      'a prediction at the cursor',
    );
    assert.equal(prediction.actual?.token, 'v');
    assert.ok(prediction.top.length > 0);

    const uri = editor.document.uri.toString();
    const meta = vscode.Uri.joinPath(vscode.Uri.parse(l.inspect().storageUri), 'models', storeKey(uri), 'meta.json');
    const bytes = await eventually(
      async () => {
        try {
          return await vscode.workspace.fs.readFile(meta);
        } catch {
          return undefined; // not saved yet
        }
      },
      20_000,
      'the saved model in the extension storage',
    );
    const saved = JSON.parse(new TextDecoder().decode(bytes)) as { uri: string; textHash: string; steps: number };
    assert.equal(saved.uri, uri);
    assert.equal(saved.textHash, textHash(text), 'saved with the hash of the text it was trained on');
  });
});
