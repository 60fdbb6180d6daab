// The long-term-dependency lab in the real extension host: memory span and its overlay, interventions against
// the unchanged model, Compare Cells with its long-range probe, and opt-in ghost text accepted like any other.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, eventually, lens, moveCursor, openText, restoreSettings, useFastSettings } from './helpers';

/** Code-like text with nested brackets and quotes at short and long distances. */
function bracketText(): string {
  const out: string[] = [];
  for (let i = 0; i < 120; i++) {
    out.push(`call(item${i % 7}, "label ${i % 5}")\n`);
    out.push(`if (x > ${i % 9}) { values[${i % 4}] = [a, b, (c + ${i % 3})]; }\n`);
    if (i % 10 === 0) out.push(`def block${i}(alpha, beta, gamma, delta, epsilon, zeta, eta, theta):\n`);
  }
  return out.join('');
}

describe('the long-term-dependency lab (extension host)', function () {
  this.timeout(180_000);
  let editor: vscode.TextEditor;

  before(async () => {
    await useFastSettings({ trainingTimeBudget: 6, compareBudget: 5 });
    editor = await openText(bracketText(), 'python');
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    const l = await lens();
    await eventually(() => l.inspect().snapshot.training?.status === 'done' || undefined, 60_000, 'training');
  });

  after(async () => {
    const l = await lens();
    l.lab.followMemory(false);
    await restoreSettings();
    await closeAllEditors();
  });

  it('measures the memory span at the cursor over the text before it', async () => {
    const l = await lens();
    const offset = editor.document.getText().indexOf('}', 500) + 1; // just after a closing brace
    moveCursor(editor, offset);
    const span = await l.lab.measureMemory();
    assert.ok(span, 'a memory span');
    const T = span.tokens.length;
    assert.equal(T, 96, 'the default window');
    assert.equal(span.offsets[T], offset, 'it ends at the cursor');
    const text = editor.document.getText();
    assert.equal(
      span.tokens.join(''),
      text.slice(span.offsets[0], offset),
      'the tokens are the text before the cursor',
    );
    assert.equal(Math.max(...span.gradient), 1, 'the gradient is scaled to its peak');
    assert.ok(span.gradient.every((g) => g >= 0 && g <= 1));
    assert.ok(
      span.memory.every((m) => m >= 0 && m <= 1),
      'products of forget gates are in [0, 1]',
    );
    assert.ok(Math.abs(span.memory[T - 1] - 1) < 1e-6, 'nothing has been forgotten of the last character yet');
    assert.ok(span.memory[0] < span.memory[T - 1], 'older cells keep less');
    assert.equal(span.memoryUnits.length, T * span.hiddenSize);
    assert.equal(l.inspect().snapshot.lab.memory?.offset, offset, 'the panel shows it');
    const peak = T - span.gradient.indexOf(1);
    console.log(
      `      memory span: target ${JSON.stringify(span.target.token)}, strongest dependence ${peak} back, ` +
        `kept after 96 steps ${span.memory[0].toExponential(2)}, after 10 ${span.memory[T - 10].toFixed(3)}`,
    );
  });

  it('follows the cursor with the editor overlay when turned on, and clears it when off', async () => {
    const l = await lens();
    await vscode.commands.executeCommand('lstmLens.toggleMemoryOverlay');
    assert.equal(l.inspect().snapshot.lab.memoryFollow, true);
    const target = editor.document.getText().indexOf('values', 2000);
    moveCursor(editor, target);
    const drawn = await eventually(
      () =>
        l.lab.overlayDrawn.shaded > 0 && l.inspect().snapshot.lab.memory?.offset === target
          ? l.lab.overlayDrawn
          : undefined,
      20_000,
      'the overlay at the new cursor',
    );
    assert.ok(drawn.underlined > 0, 'some cell memory survives');
    await vscode.commands.executeCommand('lstmLens.toggleMemoryOverlay');
    assert.equal(l.inspect().snapshot.lab.memoryFollow, false);
    assert.deepEqual(l.lab.overlayDrawn, { shaded: 0, underlined: 0 }, 'turning it off clears the editor');
  });

  it('intervenes on the forget gates and shows the unchanged model beside it; one click resets', async () => {
    const l = await lens();
    const offset = editor.document.getText().indexOf('"label', 3000) + 3;
    moveCursor(editor, offset);
    const prediction = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === offset && s.prediction ? s.prediction : undefined;
      },
      20_000,
      'a prediction at the cursor',
    );
    const ok = await l.lab.intervene({ layer: 0, unit: null, target: 'f', value: 0, steps: 20 }, 0);
    assert.equal(ok, true);
    const iv = l.inspect().snapshot.lab.intervention!;
    assert.equal(iv.offset, offset);
    // The baseline is the model the panel shows: same distribution as the prediction at the cursor.
    const diffs = prediction.top.slice(0, 5).map((p) => {
      const b = iv.baseline.top.find((t) => t.token === p.token);
      return b ? Math.abs(b.prob - p.prob) : 1;
    });
    console.log(`      baseline vs the panel's prediction: max |Δp| ${Math.max(...diffs).toExponential(2)}`);
    assert.ok(Math.max(...diffs) < 1e-4, 'the unchanged run is the panel’s model');
    // Shutting every forget gate wipes the cell: the next-token distribution moves.
    const moved = iv.baseline.top.map((b) => {
      const c = iv.clamped.top.find((t) => t.token === b.token);
      return Math.abs(b.prob - (c?.prob ?? 0));
    });
    console.log(`      f = 0 on all units: largest change in p ${Math.max(...moved).toFixed(3)}`);
    console.log(`      unchanged: ${JSON.stringify(iv.baseline.text.slice(0, 50))}`);
    console.log(`      f = 0:     ${JSON.stringify(iv.clamped.text.slice(0, 50))}`);
    assert.ok(Math.max(...moved) > 0.01, 'the intervention changes the prediction');
    l.lab.resetIntervention();
    assert.equal(l.inspect().snapshot.lab.intervention, null);
  });

  it('compares RNN, GRU and LSTM with the same parameter count and steps, then probes long-range brackets', async () => {
    const l = await lens();
    // A step budget: the same characters for every cell (by default each trains until its held-out bpc plateaus).
    await vscode.workspace.getConfiguration('lstmLens').update('compareSteps', 60, vscode.ConfigurationTarget.Global);
    const view = await l.lab.compare('params');
    assert.ok(view);
    assert.equal(view.status, 'done', view.note ?? '');
    assert.deepEqual(view.results.map((r) => r.cell).sort(), ['gru', 'lstm', 'rnn']);
    const lstm = view.results.find((r) => r.cell === 'lstm')!;
    for (const r of view.results) {
      assert.ok(r.heldOutBpc !== null && Number.isFinite(r.heldOutBpc), `${r.cell} has a held-out bpc`);
      assert.ok(Math.abs(r.params / lstm.params - 1) < 0.15, `${r.cell} has about the LSTM's parameters`);
      console.log(
        `      ${r.cell}: H ${r.hiddenSize}, ${r.params} params, bpc ${r.heldOutBpc!.toFixed(3)}, ${r.steps} steps`,
      );
    }
    for (const r of view.results) assert.equal(r.steps, lstm.steps, `${r.cell} saw the same characters as the LSTM`);
    for (const r of view.results) assert.equal(r.ended, 'steps', `${r.cell} ended on the step budget`);
    assert.equal(view.curves.length, 3, 'a curve per cell');
    assert.ok(view.curves.every((c) => c.points.length > 0));
    assert.equal(view.probe.state, 'ready');
    assert.ok(
      view.probe.buckets.some((b) => b.count > 0),
      'some closers were probed',
    );
    const snapshot = l.inspect().snapshot.lab.compare;
    assert.equal(snapshot?.probe.state, 'ready', 'the panel shows the probe');
  });

  it('offers ghost text only when the setting is on, and accepting it inserts the model’s continuation', async () => {
    const l = await lens();
    const line = editor.document.lineAt(6);
    const at = line.range.start.translate(0, 5);
    editor.selection = new vscode.Selection(at, at);
    const before = editor.document.getText();
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await new Promise((r) => setTimeout(r, 800));
    await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    assert.equal(editor.document.getText(), before, 'off by default: nothing offered, nothing inserted');

    await vscode.workspace
      .getConfiguration('lstmLens')
      .update('inlineSuggestions', true, vscode.ConfigurationTarget.Global);
    // Another position: VS Code keeps the empty answer it got at the first one.
    const at2 = editor.document.lineAt(9).range.start.translate(0, 4);
    await eventually(() => l.inlineSuggestionsEnabled || undefined, 5_000, 'the setting');
    const expected = (await l.lab.continuation(editor.document, editor.document.offsetAt(at2), 40))!.split('\n')[0];
    assert.ok(expected.trim().length > 0, `the model continues the line: ${JSON.stringify(expected)}`);
    await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(at2, at2);
    const inserted = await eventually(
      async () => {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await new Promise((r) => setTimeout(r, 500));
        await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
        const now = editor.document.getText();
        return now !== before ? now : undefined;
      },
      20_000,
      'an accepted suggestion',
    );
    const offset = editor.document.offsetAt(at2);
    assert.equal(inserted.slice(offset, offset + expected.length), expected, 'the model’s own continuation');
    assert.ok(l.suggestions.offered >= 1);
    console.log(`      ghost text accepted: ${JSON.stringify(expected)} (VS Code asked ${l.suggestions.asked} times)`);
    await vscode.commands.executeCommand('undo');
  });
});
