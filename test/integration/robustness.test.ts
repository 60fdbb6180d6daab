// Hostile documents, faults and bad settings inside the real extension host: nothing freezes, crashes or crosses.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { storeKey } from '../../src/host/core/modelStore';
import { CHUNK_CHARS } from '../../src/host/core/workerOutbox';
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

/** Measures how late a 10 ms timer fires in the extension host: the event loop's worst block. */
class LagProbe {
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = 0;
  worst = 0;
  samples: number[] = [];
  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const lag = now - this.last - 10;
      this.last = now;
      this.samples.push(lag);
      if (lag > this.worst) this.worst = lag;
    }, 10);
  }
  stop(): { worstMs: number; p99Ms: number } {
    clearInterval(this.timer);
    const sorted = [...this.samples].sort((a, b) => a - b);
    return { worstMs: this.worst, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
  }
}

const figures: Record<string, unknown> = {};

function report(name: string, value: unknown): void {
  figures[name] = value;
  console.log(`      ${name}: ${JSON.stringify(value)}`);
}

/**
 * The longest synchronous stretch of LSTM Lens's own code on the extension-host thread, and where: wall
 * time, and own time (wall less the time the OS kept the thread waiting for a CPU, see busyMeter.ts).
 */
function busyFigure(l: Awaited<ReturnType<typeof lens>>): {
  worstMs: number;
  handler: string;
  worstOwnMs: number;
  ownHandler: string;
  calls: number;
} {
  const b = l.inspect().busy;
  return {
    worstMs: +b.worstMs.toFixed(1),
    handler: b.worstHandler,
    worstOwnMs: +b.worstOwnMs.toFixed(1),
    ownHandler: b.worstOwnHandler,
    calls: b.calls,
  };
}

/** The budget of one LSTM Lens handler on the extension-host thread (robustness). */
const HANDLER_BUDGET_MS = 50;

/** The training message the panel shows for the current document. */
function statusMessage(l: Awaited<ReturnType<typeof lens>>): string {
  return l.inspect().snapshot.training?.message ?? '';
}

describe('robustness (extension host)', function () {
  this.timeout(180_000);

  before(async () => {
    await useFastSettings();
  });

  after(async () => {
    await restoreSettings();
    await closeAllEditors();
    // Beside the run's workspace, in the test run folder (.test-output/<run>/robustness.json).
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (ws) fs.writeFileSync(path.join(ws, '..', 'robustness.json'), JSON.stringify(figures, null, 2));
  });

  for (const [name, text, pattern] of [
    ['an empty document', '', /empty/],
    ['a one-character document', 'x', /too short.*\(1 characters/],
    ['a document shorter than one training window', 'short text\n'.repeat(3), /too short/],
  ] as const) {
    it(`explains instead of training on ${name}`, async () => {
      const l = await lens();
      const editor = await openText(text);
      await vscode.commands.executeCommand('lstmLens.openExplorer');
      assert.equal(l.inspect().currentUri, editor.document.uri.toString(), 'the panel follows the new document');
      await eventually(() => statusMessage(l).length > 0 || undefined, 5_000, 'a message');
      const t = l.inspect().snapshot.training!;
      assert.equal(t.status, 'untrained', 'no training started');
      assert.match(t.message ?? '', pattern);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(l.inspect().snapshot.training?.status, 'untrained', 'still not training');
    });
  }

  it('keeps offsets exact with Korean, emoji, combining marks, NUL and CRLF', async () => {
    const l = await lens();
    const line = '안녕하세요 😀 café e\u0301 \0 tab\there\r\n';
    const editor = await openText(line.repeat(60));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => l.inspect().snapshot.training?.status === 'done' || undefined, 60_000, 'training');
    const text = editor.document.getText();
    assert.ok(text.includes('\r\n'), 'the document keeps CRLF');
    // Just after the emoji (a surrogate pair), after the combining mark, after CRLF, after NUL.
    const targets = [
      text.indexOf('😀') + 2,
      text.indexOf('e\u0301') + 2,
      text.indexOf('\r\n') + 2,
      text.indexOf('\0') + 1,
      line.length * 7 + 3,
    ];
    for (const offset of targets) {
      moveCursor(editor, offset);
      const p = await eventually(
        () => {
          const s = l.inspect().snapshot;
          return s.cursor?.offset === offset && s.prediction?.contextTokens.length ? s.prediction : undefined;
        },
        10_000,
        `a prediction at ${offset}`,
      );
      const context = p.contextTokens.join('');
      const before = text.slice(0, offset);
      assert.ok(
        before.endsWith(context) || before.replace(/\r\n/g, '\n').endsWith(context.replace(/\r\n/g, '\n')),
        `context at ${offset} is the text before it: ${JSON.stringify(context.slice(-8))} vs ${JSON.stringify(before.slice(-8))}`,
      );
      assert.equal(l.inspect().snapshot.cursor?.before, text.slice(Math.max(0, offset - 40), offset));
    }
  });

  it('survives 100 cursor moves per second and rapid document switching without crossed answers', async () => {
    const l = await lens();
    const a = vscode.window.activeTextEditor!;
    const b = await openText(structuredText(50));
    const c = await openText('yet another document with some text in it\n'.repeat(10));
    const editors = [a, b, c];
    for (let i = 0; i < 30; i++) {
      await vscode.window.showTextDocument(editors[i % 3].document, vscode.ViewColumn.One);
    }
    await vscode.window.showTextDocument(a.document, vscode.ViewColumn.One);
    await eventually(() => l.inspect().currentUri === a.document.uri.toString() || undefined, 5_000, 'the last switch');
    const editor = vscode.window.activeTextEditor!;
    const length = editor.document.getText().length;
    let last = 0;
    for (let i = 0; i < 100; i++) {
      last = Math.floor((i * 7919) % length);
      moveCursor(editor, last);
      await new Promise((r) => setTimeout(r, 10));
    }
    const p = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === last && s.prediction ? s : undefined;
      },
      10_000,
      'the answer for the final position',
    );
    assert.equal(p.document?.uri, a.document.uri.toString(), 'the panel shows the last document');
    const text = editor.document.getText();
    const lf = (x: string) => x.replace(/\r\n/g, '\n');
    assert.ok(
      lf(text.slice(0, last)).endsWith(lf(p.prediction!.contextTokens.join(''))),
      'the answer is for the final offset',
    );
  });

  it('handles a 1 MB paste, undo, and closing a document while it trains', async () => {
    const l = await lens();
    await useFastSettings({ trainingTimeBudget: 30 });
    const editor = await openText(structuredText(300));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => l.inspect().snapshot.training?.status === 'training' || undefined, 10_000, 'training');
    const big = 'pasted line of text with numbers 12345 and (parens)\n'.repeat(20_000); // ~1 MB
    const pasteProbe = new LagProbe();
    pasteProbe.start();
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), big));
    const paste = pasteProbe.stop();
    report('1 MB paste while training: event loop lag during the edit itself (VS Code + LSTM Lens, ms)', {
      worst: +paste.worstMs.toFixed(1),
      p99: +paste.p99Ms.toFixed(1),
    });
    const probe = new LagProbe();
    probe.start();
    l.busy.reset();
    moveCursor(editor, big.length + 10);
    await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === big.length + 10 && s.prediction ? s : undefined;
      },
      20_000,
      'a prediction after the paste',
    );
    await vscode.commands.executeCommand('undo');
    assert.ok(!editor.document.getText().startsWith('pasted'), 'undo removed the paste');
    moveCursor(editor, 20);
    await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.version === editor.document.version && s.cursor.offset === 20 && s.prediction ? s : undefined;
      },
      20_000,
      'a prediction after undo',
    );
    const lag = probe.stop();
    report('after the paste, answering + undo while training: event loop lag (ms)', {
      worst: +lag.worstMs.toFixed(1),
      p99: +lag.p99Ms.toFixed(1),
    });
    report('after the paste: longest LSTM Lens handler on the extension-host thread (ms)', busyFigure(l));
    // Close it mid-training: nothing throws, the worker lets go, the next document still works.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await openText(structuredText(50));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => l.inspect().snapshot.training?.status === 'training' || undefined, 10_000, 'a new run');
    await vscode.commands.executeCommand('lstmLens.stopTraining');
    await eventually(() => l.inspect().snapshot.training?.status === 'stopped' || undefined, 10_000, 'stopped');
    await useFastSettings();
  });

  it('stays responsive on a 5 MB single-line minified file', async () => {
    const l = await lens();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'minified.js');
    const chunk = 'var a=function(b,c){return b+c*2};if(x){y=[1,2,3].map(function(z){return z*z})}';
    fs.writeFileSync(file, chunk.repeat(Math.ceil(5_000_000 / chunk.length)));
    const openProbe = new LagProbe();
    openProbe.start();
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await new Promise((r) => setTimeout(r, 500));
    const opening = openProbe.stop();
    report('5 MB single line: event loop lag while VS Code opens it, LSTM Lens idle (ms)', {
      worst: +opening.worstMs.toFixed(1),
      p99: +opening.p99Ms.toFixed(1),
    });
    const rssBefore = process.memoryUsage().rss;
    const probe = new LagProbe();
    probe.start();
    l.busy.reset();
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    // An edit as training starts. Whether it lands while the text is still on its way in slices (and so waits
    // behind them) depends on timing here; test/unit/host/workerOutbox.test.ts covers that order for certain.
    const inserted = 'edited;';
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), inserted));
    await eventually(() => (l.inspect().snapshot.training?.curve.length ?? 0) > 1 || undefined, 60_000, 'progress');
    const offset = 2_500_000;
    moveCursor(editor, offset);
    const answered = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === offset && s.prediction ? s.prediction : undefined;
      },
      20_000,
      'a prediction in the middle of the line',
    );
    // The worker's copy is the edited text: without the edit every character would sit 7 places off.
    const before = editor.document.getText(
      new vscode.Range(editor.document.positionAt(offset - 100), editor.document.positionAt(offset)),
    );
    assert.ok(
      answered.contextTokens.length > 0 && before.endsWith(answered.contextTokens.join('')),
      `the context is the edited text before the cursor: ${JSON.stringify(answered.contextTokens.join('').slice(-20))}`,
    );
    await vscode.commands.executeCommand('lstmLens.stopTraining');
    await eventually(() => l.inspect().snapshot.training?.status === 'stopped' || undefined, 10_000, 'stopped');
    const lag = probe.stop();
    report('5 MB single line: event loop lag while LSTM Lens trains and answers (ms)', {
      worst: +lag.worstMs.toFixed(1),
      p99: +lag.p99Ms.toFixed(1),
    });
    const busy = busyFigure(l);
    report('5 MB single line: longest LSTM Lens handler on the extension-host thread (ms)', busy);
    // Own time, not wall time: on this shared 2-core machine a 2 ms handler often reads 30 ms on the wall
    // clock because the OS gave the CPU to another process meanwhile. The text goes over in slices, so no
    // handler copies the 5 MB at once (as one message it cost the 'train' handler ~5 ms of own time here,
    // and 20-130 ms of wall time, more on a slower machine or with a two-byte text).
    assert.ok(l.inspect().busy.runQueueMeasured, 'the run queue wait is measured (Linux), so own time is real');
    assert.ok(busy.calls > 10, `handlers ran and were timed (${busy.calls})`);
    const largest = l.inspect().largestTextPosted;
    report('5 MB single line: longest text in one message to the worker (UTF-16 code units)', largest);
    assert.ok(largest <= CHUNK_CHARS, `the 5 MB text went over in slices, not in one ${largest}-unit message`);
    assert.ok(
      busy.worstOwnMs < HANDLER_BUDGET_MS,
      `no LSTM Lens handler held the extension-host thread for ${HANDLER_BUDGET_MS} ms: ${JSON.stringify(busy)}`,
    );
    report(
      '5 MB single line: extension-host RSS growth (MB)',
      +((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1),
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(file, { force: true });
  });

  it('refuses a document over the size limit with a message, without copying it to the worker', async () => {
    const l = await lens();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'big.log');
    const line = '2026-11-27T20:00:00.000Z INFO request id=12345 path=/api/v1/items status=200 ms=12\n';
    const fd = fs.openSync(file, 'w');
    const block = line.repeat(10_000);
    for (let written = 0; written < 9_000_000; written += block.length) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await new Promise((r) => setTimeout(r, 500));
    const probe = new LagProbe();
    probe.start();
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => /too large/.test(statusMessage(l)) || undefined, 10_000, 'the too-large message');
    assert.equal(l.inspect().snapshot.training?.status, 'untrained');
    await new Promise((r) => setTimeout(r, 1000)); // the probe needs samples: the refusal itself is instant
    const lag = probe.stop();
    report('9 MB log (over the limit): event loop lag while LSTM Lens refuses it (ms)', {
      worst: +lag.worstMs.toFixed(1),
      p99: +lag.p99Ms.toFixed(1),
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(file, { force: true });
  });

  it('rejects bad settings by name and uses the defaults', async () => {
    const l = await lens();
    const config = vscode.workspace.getConfiguration('lstmLens');
    await config.update('hiddenSize', -1, vscode.ConfigurationTarget.Global);
    await config.update('topK', 'ten', vscode.ConfigurationTarget.Global);
    await config.update('learningRate', 1e9, vscode.ConfigurationTarget.Global);
    const problems = await eventually(
      () => (l.inspect().settingsProblems.length >= 3 ? l.inspect().settingsProblems : undefined),
      5_000,
      'three settings problems',
    );
    assert.ok(problems.some((p) => /^lstmLens\.hiddenSize:/.test(p)));
    assert.ok(problems.some((p) => /^lstmLens\.topK:/.test(p)));
    assert.ok(problems.some((p) => /^lstmLens\.learningRate:/.test(p)));
    assert.equal(l.inspect().snapshot.settings.topK, 10, 'the default top-k is used');
    await useFastSettings();
    await config.update('topK', undefined, vscode.ConfigurationTarget.Global);
    await config.update('learningRate', undefined, vscode.ConfigurationTarget.Global);
  });

  it('refuses a corrupted saved model with a message and offers to retrain', async () => {
    const l = await lens();
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'corrupted-model.txt');
    fs.writeFileSync(file, structuredText(100));
    const uri = vscode.Uri.file(file).toString();
    const dir = path.join(l.inspect().storageRoot, 'models', storeKey(uri));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), '{"format":"lstm-lens-model","version":1,"weights":[{"name":"x"');
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from([1, 2, 3]));
    fs.writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({ uri, textHash: 'a'.repeat(64), savedAt: 1, heldOutBpc: null, steps: 1 }),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => /could not be loaded/.test(statusMessage(l)) || undefined, 10_000, 'the refusal');
    assert.equal(l.inspect().snapshot.training?.status, 'untrained');
    await eventually(
      () => !fs.existsSync(path.join(dir, 'meta.json')) || undefined,
      5_000,
      'the corrupted model to be removed',
    );
    fs.rmSync(file, { force: true });
  });

  it('detects a run that diverges to NaN, says so, recovers and keeps answering', async () => {
    const l = await lens();
    await useFastSettings({ trainingTimeBudget: 8 });
    const editor = await openText(structuredText(200));
    const text = editor.document.getText();
    // The real worker's trainer reads a NaN loss at this step (learningRate's ceiling, 0.1, never diverges).
    const FAULT_STEP = 30;
    l.injectDivergenceForTesting(FAULT_STEP);
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    // Reported: the panel's training message names the step, the weights restored and the new learning rate.
    const reported = await eventually(
      () => {
        const t = l.inspect().snapshot.training;
        return t && /diverged/.test(t.message ?? '') ? t : undefined;
      },
      30_000,
      'the divergence to be reported',
    );
    report('NaN divergence: the panel says', reported.message);
    assert.equal(reported.status, 'training', 'training goes on after the recovery');
    assert.match(
      reported.message ?? '',
      /^diverged at step 30 \(loss NaN\); restored the weights of step 20 and halved the learning rate to 1\.00e-3$/,
    );
    // Recovered: the run goes past the bad step on finite losses, finishes, and still learns.
    const done = await eventually(
      () => {
        const t = l.inspect().snapshot.training;
        assert.notEqual(t?.status, 'failed', t?.message ?? '');
        return t?.status === 'done' ? t : undefined;
      },
      30_000,
      'the run to finish',
    );
    // Progress points repeat the last held-out measurement: keep each measurement once.
    const measured = done.curve
      .map((p) => p.heldOutBpc)
      .filter((b, i, all): b is number => b !== null && b !== all[i - 1]);
    report('NaN divergence: steps, held-out bpc first → last', {
      steps: done.latest?.step,
      bpc: measured.map((b) => +b.toFixed(2)),
    });
    assert.ok((done.latest?.step ?? 0) > FAULT_STEP + 10, `trained past the fault (step ${done.latest?.step})`);
    assert.ok(
      done.curve.every((p) => Number.isFinite(p.loss)),
      'no NaN reached the curve',
    );
    assert.ok(measured.length >= 2 && measured.every(Number.isFinite), `held-out bpc measured: ${measured}`);
    assert.ok(measured[measured.length - 1] < measured[0], `the model learned after the recovery: ${measured}`);
    // Predictions work: finite probabilities and gates, for the character really there.
    const offset = 1234;
    moveCursor(editor, offset);
    const p = await eventually(
      () => {
        const s = l.inspect().snapshot;
        return s.cursor?.offset === offset && s.prediction ? s.prediction : undefined;
      },
      10_000,
      'a prediction after the recovery',
    );
    assert.ok(p.top.length > 0 && p.top.every((t) => t.prob >= 0 && t.prob <= 1), JSON.stringify(p.top));
    assert.equal(p.actual?.token, text[offset]);
    assert.ok(
      p.trace.every((t) => t.values.every(Number.isFinite)),
      'finite gate values',
    );
    // The extension keeps working: same worker, and the next run (the fault fires once) trains cleanly.
    assert.ok(l.inspect().workerRunning, 'the worker is still up');
    l.train(true);
    await eventually(
      () => {
        const t = l.inspect().snapshot.training;
        // A resumed run counts its steps from 0 again: any progress of its own past step 20 will do.
        return (t?.status === 'training' && t.latest && t.latest !== done.latest && t.latest.step > 20) || undefined;
      },
      20_000,
      'the next run to train',
    );
    await vscode.commands.executeCommand('lstmLens.stopTraining');
    const stopped = await eventually(
      () => (l.inspect().snapshot.training?.status === 'stopped' ? l.inspect().snapshot.training! : undefined),
      10_000,
      'stopped',
    );
    assert.doesNotMatch(stopped.message ?? '', /diverged/);
    await useFastSettings();
  });

  it('keeps memory flat over a long scripted session', async () => {
    const l = await lens();
    const editor = await openText(structuredText(200));
    await vscode.commands.executeCommand('lstmLens.openExplorer');
    await eventually(() => l.inspect().snapshot.training?.status === 'done' || undefined, 60_000, 'training');
    const sample = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        moveCursor(editor, (i * 131) % 5000);
        if (i % 20 === 0) await editor.edit((e) => e.insert(new vscode.Position(i % 50, 0), 'x'));
        await new Promise((r) => setTimeout(r, 5));
      }
      global.gc?.();
      return process.memoryUsage().rss / 2 ** 20;
    };
    const warm = await sample(200);
    const after = await sample(1000);
    report('long session: extension-host RSS after warm-up / after 1000 more moves+edits (MB)', {
      warm: +warm.toFixed(1),
      after: +after.toFixed(1),
    });
    assert.ok(l.inspect().workerRunning, 'the worker is still up');
  });
});
