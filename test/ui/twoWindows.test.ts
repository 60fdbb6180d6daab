// Two browser windows on one code-server: each has its own extension host, trains its own document, answers its
// own cursor, and the models both save in the shared global storage load intact in the other window.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vsixPath } from '../rig/paths';
import { Session } from '../rig/session';
import { Workbench, eventually } from '../rig/workbench';
import {
  COMMAND_TITLE,
  FAST_SETTINGS,
  PanelDriver,
  copyFixtures,
  glyph,
  gotoLine,
  lineColAt,
  savedModelMetas,
} from './panelHelpers';

const FILE_A = 'lens_demo.go';
const FILE_B = 'notes.txt';
const CONTEXT_WINDOW = 40; // lstmLens.contextWindow default
const LOADED = 'Loaded the saved model for this document.';

interface Window {
  name: string;
  workbench: Workbench;
  panel: PanelDriver;
}

describe('two windows on one code-server (UI, packaged vsix)', function () {
  this.timeout(150_000);
  let session: Session;
  let a: Window;
  let b: Window;
  const texts: Record<string, string> = {};
  let started = 0;

  /** Moves `w`'s cursor to `offset` of `file` and checks its panel answers there, for that document's text. */
  async function assertAnswersAt(w: Window, file: string, offset: number): Promise<void> {
    const text = texts[file];
    const { line, col } = lineColAt(text, offset);
    await gotoLine(w.workbench.page, line, col);
    await w.panel.waitCursorAt(offset, 20_000);
    await assertShows(w, file, offset);
  }

  /** `w`'s panel shows `file` with a current prediction for `offset`: its context and actual next character. */
  async function assertShows(w: Window, file: string, offset: number): Promise<void> {
    const text = texts[file];
    await eventually(async () => {
      assert.equal(await w.panel.text('doc-name'), file, `${w.name} shows ${file}`);
      assert.equal(await w.panel.text('cursor-offset'), String(offset));
      assert.ok(await w.panel.predictionsCurrent(), `${w.name}: the prediction answers the cursor`);
      const context = (await w.panel.field('context').textContent()) ?? '';
      assert.equal(context, text.slice(Math.max(0, offset - CONTEXT_WINDOW), offset), `${w.name}: context of ${file}`);
      const actual = await w.panel.text('actual-next');
      assert.ok(
        actual.startsWith(`Next in document: ${glyph(text[offset])} `),
        `${w.name}: the next character of ${file} at ${offset}: ${JSON.stringify(actual)}`,
      );
      assert.ok((await w.panel.predictions()).length > 0, `${w.name}: prediction rows`);
    }, 10_000);
  }

  /** Saved models by the file name of their document (each must be whole: meta, model.json and weights.bin). */
  function savedModels(): Map<string, { uri: string; dir: string; savedAt: number }> {
    const byFile = new Map<string, { uri: string; dir: string; savedAt: number }>();
    for (const m of savedModelMetas(session.server)) {
      const dir = dirname(m.file);
      const { uri } = JSON.parse(readFileSync(m.file, 'utf8')) as { uri: string };
      assert.ok(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin')), `whole: ${dir}`);
      const file = uri.split('/').pop() ?? uri;
      assert.ok(!byFile.has(file), `one saved model for ${file}`);
      byFile.set(file, { uri, dir, savedAt: m.savedAt });
    }
    return byFile;
  }

  before(async () => {
    started = Date.now();
    session = await Session.open({
      name: 'ui-two-windows',
      vsix: vsixPath(),
      settings: { ...FAST_SETTINGS, 'lstmLens.trainingTimeBudget': 6 },
      beforeGoto: async (_page, server) => copyFixtures(server, 'panel'),
    });
    // Go code and English prose: a context or next character from the other document cannot pass for its own.
    for (const f of [FILE_A, FILE_B]) texts[f] = readFileSync(join(session.server.workspace, f), 'utf8');
    a = { name: 'window A', workbench: session.workbench, panel: new PanelDriver(session.workbench) };
    // A second tab on the same server and folder: the same browser profile, as a user opening a new window.
    const page = await session.browser.context.newPage();
    await page.goto(session.server.workbenchUrl(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const second = new Workbench(page);
    await second.waitForWorkbench();
    b = { name: 'window B', workbench: second, panel: new PanelDriver(second) };
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      for (const w of [a, b].filter(Boolean))
        await w.workbench.screenshot(`two-windows-FAILED-${w.name}-${this.currentTest.title}`).catch(() => undefined);
    }
  });

  after(async () => {
    console.log(`      two-windows run time ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host logs');
  });

  it('trains a different document in each window, each in its own extension host', async () => {
    await a.workbench.quickOpen(FILE_A);
    await a.workbench.runCommand(COMMAND_TITLE);
    await b.workbench.quickOpen(FILE_B);
    await b.workbench.runCommand(COMMAND_TITLE);
    for (const [w, file] of [
      [a, FILE_A],
      [b, FILE_B],
    ] as const) {
      await w.panel.waitReady();
      assert.equal(await w.panel.text('doc-name'), file);
    }
    await a.panel.waitStatus('done', 'Done', 60_000);
    await b.panel.waitStatus('done', 'Done', 30_000);
    // One extension host per window: each wrote its own log, and each started its own LSTM Lens trainer.
    const hosts = session.server.extHostLogFiles().map(dirname);
    const lensLogs = hosts.flatMap((h) => {
      const dir = join(h, 'lstm-lens.lstm-lens');
      return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
    });
    console.log(`      extension hosts: ${hosts.length}; LSTM Lens logs: ${lensLogs.length}`);
    assert.ok(hosts.length >= 2, `one extension host per window: ${hosts.join(', ')}`);
    assert.equal(lensLogs.filter((l) => l.includes('Trainer worker started')).length, 2, 'two trainers');
  });

  it('answers each window for its own document and cursor, however the moves interleave', async () => {
    const offA = texts[FILE_A].indexOf('dx := path[i].X') + 'dx := path'.length;
    const offB = texts[FILE_B].length - 100;
    await assertAnswersAt(a, FILE_A, offA);
    await assertAnswersAt(b, FILE_B, offB);
    await assertShows(a, FILE_A, offA); // B's move did not reach A
    // Back and forth, without waiting for the panels in between: the last answer in each is its own.
    const spots: [number, number][] = [];
    for (let k = 1; k <= 4; k++)
      spots.push([(offA * k) % texts[FILE_A].length, (offB * k + 77) % texts[FILE_B].length]);
    for (const [pa, pb] of spots) {
      const ca = lineColAt(texts[FILE_A], pa);
      const cb = lineColAt(texts[FILE_B], pb);
      await gotoLine(a.workbench.page, ca.line, ca.col);
      await gotoLine(b.workbench.page, cb.line, cb.col);
    }
    const [lastA, lastB] = spots[spots.length - 1];
    await a.panel.waitCursorAt(lastA, 20_000);
    await b.panel.waitCursorAt(lastB, 20_000);
    await assertShows(a, FILE_A, lastA);
    await assertShows(b, FILE_B, lastB);
  });

  it('saves both models side by side in the shared storage, and each loads intact in the other window', async () => {
    const saved = await eventually(() => {
      const s = savedModels();
      assert.ok(s.has(FILE_A) && s.has(FILE_B), `both saved: ${[...s.values()].map((m) => m.uri).join(', ')}`);
      return s;
    }, 20_000);
    assert.notEqual(saved.get(FILE_A)!.dir, saved.get(FILE_B)!.dir, 'one folder per document');
    // Each window opens the other's document: its extension host has not seen it, so it loads the saved model.
    await a.workbench.page.keyboard.press('Control+1');
    await a.workbench.quickOpen(FILE_B);
    await b.workbench.page.keyboard.press('Control+1');
    await b.workbench.quickOpen(FILE_A);
    for (const [w, file] of [
      [a, FILE_B],
      [b, FILE_A],
    ] as const) {
      await eventually(async () => assert.equal(await w.panel.text('doc-name'), file), 20_000);
      await w.panel.waitStatus('done', 'Done', 20_000);
      assert.equal(await w.panel.text('training-message'), LOADED, `${w.name} loaded the model saved for ${file}`);
    }
    await assertAnswersAt(a, FILE_B, 150);
    await assertAnswersAt(b, FILE_A, 300);
    const after = savedModels();
    for (const f of [FILE_A, FILE_B])
      assert.equal(after.get(f)?.savedAt, saved.get(f)!.savedAt, `loading did not rewrite ${f}`);
  });
});
