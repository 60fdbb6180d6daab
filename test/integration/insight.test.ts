// Editor insight in the real extension host: labels, activation and surprisal overlays, hover, find-by-example.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, eventually, lens, openText, restoreSettings, useFastSettings } from './helpers';

/** Python-ish text with many short strings, comments and brackets. */
function pythonText(): string {
  const out: string[] = [];
  for (let i = 0; i < 150; i++) {
    out.push(`# step ${i % 9} of the loop\n`);
    out.push(`values[${i % 5}] = call("name${i % 7}", 'x', (a, b))\n`);
  }
  return out.join('');
}

/** Every hover's text at a position, as plain text (markdown escapes and &nbsp; undone). */
async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position))!;
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\\(.)/g, '$1'); // markdown escapes
}

describe('editor insight (extension host)', function () {
  this.timeout(120_000);
  let editor: vscode.TextEditor;

  before(async () => {
    await useFastSettings({ trainingTimeBudget: 8 });
    editor = await openText(pythonText(), 'python');
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    const l = await lens();
    await eventually(() => l.inspect().snapshot.training?.status === 'done' || undefined, 60_000, 'training');
  });

  after(async () => {
    const l = await lens();
    l.setOverlay('none');
    await restoreSettings();
    await closeAllEditors();
  });

  it('labels units by text features when training ends', async () => {
    const l = await lens();
    const insight = await eventually(
      () => {
        const i = l.inspect().snapshot.insight;
        return i.labelsState === 'ready' || i.labelsState === 'failed' ? i : undefined;
      },
      60_000,
      'labels',
    );
    assert.equal(insight.labelsState, 'ready', insight.note ?? '');
    assert.equal(insight.family, 'python');
    const features = new Set(insight.labels.map((x) => x.feature));
    for (const f of ['inString', 'inComment', 'bracketDepth', 'column'])
      assert.ok(features.has(f as never), `has ${f}`);
    for (const x of insight.labels) assert.ok(Math.abs(x.r) <= 1 && Number.isFinite(x.r));
    const best = (f: string) => Math.max(...insight.labels.filter((x) => x.feature === f).map((x) => Math.abs(x.r)));
    console.log(
      `      best |r|: string ${best('inString').toFixed(2)}, comment ${best('inComment').toFixed(2)}, ` +
        `brackets ${best('bracketDepth').toFixed(2)}, column ${best('column').toFixed(2)}`,
    );
  });

  it('colours the visible text by a pinned unit and follows scrolling', async () => {
    const l = await lens();
    const label = l.inspect().snapshot.insight.labels[0];
    l.pinUnit(label.layer, label.gate, label.unit);
    assert.equal(l.inspect().overlay.kind, 'activation');
    const first = await eventually(
      () => (l.inspect().overlay.refreshCount > 0 ? l.inspect().overlay : undefined),
      20_000,
      'a refresh',
    );
    l.busy.reset();
    const times: number[] = [first.lastRefreshMs];
    for (let i = 1; i <= 10; i++) {
      const before = l.inspect().overlay.refreshCount;
      const line = Math.min(editor.document.lineCount - 1, i * 25);
      editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
      const o = await eventually(
        () => (l.inspect().overlay.refreshCount > before ? l.inspect().overlay : undefined),
        20_000,
        `refresh ${i}`,
      );
      times.push(o.lastRefreshMs);
    }
    times.sort((a, b) => a - b);
    console.log(
      `      overlay refresh (request → decorations) ms: median ${times[Math.floor(times.length / 2)].toFixed(1)}, ` +
        `max ${times[times.length - 1].toFixed(1)}; longest own handler ${l.inspect().busy.worstMs.toFixed(1)} ms`,
    );
  });

  it('shows surprisal with a hover naming the alternatives and the split', async () => {
    const l = await lens();
    l.setOverlay('surprisal');
    await eventually(() => (l.inspect().overlay.kind === 'surprisal' ? true : undefined), 5_000, 'the overlay');
    const text = await hoverText(editor.document.uri, new vscode.Position(1, 3));
    assert.match(text, /LSTM Lens/);
    assert.match(text, /bits/);
    assert.match(text, /Training text|Held-out text/);
    const tail = editor.document.lineCount - 2;
    const tailText = await hoverText(editor.document.uri, new vscode.Position(tail, 2));
    assert.match(tailText, /Held-out text/, `the last lines are held out: ${JSON.stringify(tailText)}`);
  });

  it('writes on from the cursor at a temperature (lab: sampling)', async () => {
    const l = await lens();
    editor.selection = new vscode.Selection(new vscode.Position(3, 0), new vscode.Position(3, 0));
    const greedy = await l.sampleAtCursor(0, 120);
    assert.ok(greedy && greedy.length >= 100, `a continuation of ~120 characters: ${JSON.stringify(greedy)}`);
    const vocabulary = new Set(editor.document.getText());
    const foreign = [...greedy].filter((ch) => !vocabulary.has(ch) && ch !== '\uFFFD');
    assert.deepEqual(foreign, [], 'only characters the model has seen');
    assert.equal(await l.sampleAtCursor(0, 120), greedy, 'temperature 0 is deterministic');
    assert.equal(l.inspect().snapshot.lab.sample?.text, greedy, 'the panel shows it');
    console.log(`      greedy continuation: ${JSON.stringify(greedy.slice(0, 60))}`);
  });

  it('finds units by example from the editor selections', async () => {
    const l = await lens();
    const text = editor.document.getText();
    const selections: vscode.Selection[] = [];
    for (let from = 0; selections.length < 12;) {
      const start = text.indexOf('"name', from);
      const end = text.indexOf('"', start + 1) + 1;
      selections.push(new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(end)));
      from = end;
    }
    editor.selections = selections;
    const done = l.findUnits('high');
    // Accept the first (best) unit in the QuickPick that lists the matches.
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await done;
    const insight = l.inspect().snapshot.insight;
    assert.ok(insight.matches.length > 0, 'matches listed');
    for (const m of insight.matches) assert.ok(m.score >= 0 && m.score <= 1);
    assert.ok(insight.matches[0].score >= insight.matches[insight.matches.length - 1].score, 'best first');
    const view = l.inspect().snapshot.view;
    assert.equal(view.pinnedUnit, insight.matches[0].unit, 'the chosen unit is pinned');
    console.log(
      `      best match: unit ${insight.matches[0].unit} (${insight.matches[0].gate}) AUC ${insight.matches[0].score.toFixed(2)}`,
    );
  });
});
