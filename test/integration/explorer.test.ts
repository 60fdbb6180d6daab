// The explorer inside a real extension host: training, predictions that follow the cursor, switching documents, persistence.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  eventually,
  lens,
  moveCursor,
  openText,
  restoreSettings,
  structuredText,
  useFastSettings,
} from './helpers';

describe('explorer (extension host)', function () {
  this.timeout(90_000);

  before(async () => {
    await useFastSettings();
  });

  after(async () => {
    await restoreSettings();
    await closeAllEditors();
  });

  it('trains on the active document, then answers for the cursor with the text before it', async () => {
    const l = await lens();
    const editor = await openText(structuredText(), 'python');
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    const uri = editor.document.uri.toString();
    assert.equal(l.inspect().currentUri, uri);
    assert.ok(l.inspect().panelOpen);
    await eventually(() => l.inspect().snapshot.training?.status === 'training', 10_000, 'training to start');
    await eventually(() => (l.inspect().snapshot.training?.curve.length ?? 0) > 0, 30_000, 'training progress');
    const done = await eventually(
      () => {
        const t = l.inspect().snapshot.training;
        return t && (t.status === 'done' || t.status === 'stopped') ? t : undefined;
      },
      45_000,
      'training to finish (5 s budget)',
    );
    assert.ok(done.latest && done.latest.step > 0, 'steps were taken');
    assert.ok(done.latest.heldOutBpc !== null && done.latest.heldOutBpc < 5, `held-out bpc ${done.latest.heldOutBpc}`);

    // Move the cursor to just after `return "` in line 2: the model must answer for exactly that offset.
    const text = editor.document.getText();
    const offset = text.indexOf('return "') + 'return "'.length;
    moveCursor(editor, offset);
    const prediction = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === offset && s.prediction?.contextTokens.length ? s.prediction : undefined;
      },
      10_000,
      'a prediction at the new offset',
    );
    const context = prediction.contextTokens.join('');
    assert.ok(text.slice(0, offset).endsWith(context), `context ${JSON.stringify(context)} ends at the cursor`);
    const probs = prediction.top.map((p) => p.prob);
    assert.deepEqual(
      [...probs].sort((a, b) => b - a),
      probs,
      'top-k sorted',
    );
    assert.ok(probs.reduce((a, b) => a + b, 0) <= 1.0001);
    assert.equal(prediction.actual?.token, 'v', 'the actual next character is reported');
    assert.equal(prediction.trace.length, 1);
    assert.equal(prediction.trace[0].values.length, prediction.contextTokens.length * 6 * prediction.hiddenSize);
  });

  it('switches model with the document and keeps the old one', async () => {
    const l = await lens();
    const first = l.inspect().currentUri;
    const before = l.inspect().snapshot.training;
    const other = await openText('a completely different document\n'.repeat(20));
    await eventually(() => l.inspect().currentUri === other.document.uri.toString(), 5_000, 'the panel to follow');
    assert.equal(l.inspect().snapshot.training?.status, 'untrained');
    const back = vscode.workspace.textDocuments.find((d) => d.uri.toString() === first)!;
    await vscode.window.showTextDocument(back, vscode.ViewColumn.One);
    await eventually(() => l.inspect().currentUri === first, 5_000, 'the panel to come back');
    const after = l.inspect().snapshot.training;
    assert.equal(after?.status, before?.status, 'not retrained');
    assert.equal(after?.latest?.step, before?.latest?.step, 'same model');
  });

  it('stops training on request within a second', async () => {
    const l = await lens();
    await useFastSettings({ trainingTimeBudget: 60 });
    await openText(structuredText(100));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => (l.inspect().snapshot.training?.curve.length ?? 0) > 0, 30_000, 'training progress');
    const asked = Date.now();
    await vscode.commands.executeCommand('lstmLens.stopTraining');
    await eventually(() => l.inspect().snapshot.training?.status === 'stopped', 5_000, 'the stopped status');
    const took = Date.now() - asked;
    console.log(`      stop → stopped status in ${took} ms`);
    await useFastSettings();
  });

  it('answers for the new text after an edit', async () => {
    const l = await lens();
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'xyz'));
    moveCursor(editor, 3);
    const version = editor.document.version;
    const p = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.version === version && s.cursor.offset === 3 && s.prediction ? s.prediction : undefined;
      },
      10_000,
      'a prediction for the edited text',
    );
    assert.equal(p.contextTokens.join(''), 'xyz');
  });

  it('recovers when the worker dies', async () => {
    const l = await lens();
    await l.killWorkerForTesting();
    await eventually(() => l.inspect().snapshot.training?.status === 'failed', 5_000, 'the failure to be reported');
    assert.match(l.inspect().snapshot.training?.message ?? '', /stopped unexpectedly/);
    await vscode.commands.executeCommand('lstmLens.train');
    await eventually(() => (l.inspect().snapshot.training?.curve.length ?? 0) > 0, 30_000, 'training after the crash');
    await vscode.commands.executeCommand('lstmLens.stopTraining');
    await eventually(() => l.inspect().snapshot.training?.status === 'stopped', 5_000, 'stopped');
  });
});
