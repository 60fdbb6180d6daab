// The explorer panel — predictions and gates that follow the cursor — in the real workbench with the
// packaged vsix, driven as a user would: Ctrl+P, the command palette, Ctrl+G, the mouse and the keyboard.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vsixPath } from '../rig/paths';
import { sleep } from '../rig/procs';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import {
  COMMAND_TITLE,
  FAST_SETTINGS,
  GATES,
  GATE_NAMES,
  PanelDriver,
  copyFixtures,
  glyph,
  gotoLine,
  lineColAt,
  reloadWindow,
  savedModelMetas,
  pickColorTheme,
} from './panelHelpers';
import { hueDistance, type Rgb } from '../../src/webview/views/colormap';

const FILE = 'lens_demo.go';
const OTHER = 'notes.txt';
const HIDDEN = 32;
const LAYERS = 2;
const CONTEXT_WINDOW = 40; // lstmLens.contextWindow default
const TOP_K = 10; // lstmLens.topK default
/** Long enough to type into the document while it trains. */
const BUDGET_S = 12;

/** "12%", "<0.1%", "100%" → a number to order by. */
function pctValue(s: string): number {
  if (s.startsWith('<')) return 0.05;
  const v = Number(s.replace('%', ''));
  assert.ok(Number.isFinite(v), `a percentage: ${JSON.stringify(s)}`);
  return v;
}

describe('explorer panel: predictions and gates that follow the cursor (UI)', function () {
  this.timeout(120_000);
  let session: Session;
  let panel: PanelDriver;
  /** FILE's text as saved on disk (it changes once: the line typed during training). */
  let text: string;
  let wsFile: string;

  /** Moves the cursor before `needle` + `after` characters with Ctrl+G and waits for the panel to answer. */
  async function cursorTo(offset: number): Promise<void> {
    const { line, col } = lineColAt(text, offset);
    await gotoLine(session.page, line, col);
    await panel.waitCursorAt(offset);
  }

  /** The heatmap column labels the issue asks for: the last N characters before the cursor, as glyphs. */
  function expectedLabels(offset: number): string[] {
    return [...text.slice(Math.max(0, offset - CONTEXT_WINDOW), offset)].map(glyph);
  }

  async function assertHeatmapAt(offset: number): Promise<string[]> {
    const want = expectedLabels(offset);
    await eventually(async () => assert.deepEqual(await panel.heatmapLabels(), want), 5_000);
    const context = await panel.field('context').textContent();
    assert.equal(context, text.slice(Math.max(0, offset - CONTEXT_WINDOW), offset), 'context = text before cursor');
    return want;
  }

  before(async () => {
    session = await Session.open({
      name: 'ui-panel',
      vsix: vsixPath(),
      settings: { ...FAST_SETTINGS, 'lstmLens.trainingTimeBudget': BUDGET_S, 'lstmLens.layers': LAYERS },
      beforeGoto: async (_page, server) => copyFixtures(server, 'panel'),
    });
    panel = new PanelDriver(session.workbench);
    wsFile = join(session.server.workspace, FILE);
    text = readFileSync(wsFile, 'utf8');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      await session.workbench.screenshot(`panel-FAILED-${this.currentTest.title}`).catch(() => undefined);
      const toasts = await session.workbench.notifications().catch(() => []);
      if (toasts.length) console.log(`    notifications: ${toasts.join(' | ')}`);
    }
  });

  after(async () => {
    await session?.close();
    if (session) assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
  });

  it(`opens ${FILE}, runs "${COMMAND_TITLE}" and shows training progress (status, stats, curve)`, async () => {
    await session.workbench.quickOpen(FILE);
    await session.workbench.runCommand(COMMAND_TITLE);
    await panel.waitReady();
    assert.equal(await panel.text('doc-name'), FILE);
    await panel.waitStatus('training', 'Training…', 20_000);
    await eventually(
      async () => {
        const stats = await panel.stats();
        assert.ok(Number(stats.Step?.replace(/\D/g, '')) > 0, `a step count: ${JSON.stringify(stats)}`);
        assert.match(stats.Loss ?? '', /^\d+\.\d{3} bpc$/);
        assert.ok(await panel.field('training-curve').isVisible(), 'the curve is shown');
        const ink = await panel.canvasInk(panel.field('training-curve'));
        assert.ok(ink.ink > 50 && ink.width > 100, `the curve canvas is drawn: ${JSON.stringify(ink)}`);
      },
      BUDGET_S * 1_000,
      250,
    );
    assert.equal(await panel.status(), 'training', 'still training (the typing test needs it)');
    // The panel opened beside the editor without taking the keyboard focus.
    await session.page.locator('.editor-instance .monaco-editor.focused').waitFor({ state: 'visible', timeout: 5_000 });
    await session.workbench.screenshot('panel-1-training');
  });

  it('keeps typing working while the model trains: the editor holds exactly what was typed', async () => {
    assert.equal(await panel.status(), 'training', 'the model is training while we type');
    const typed = '// typed while the model trains: 0123456789 abc xyz, fast';
    await session.workbench.moveCursor(['Control+End']);
    const t0 = Date.now();
    await session.page.keyboard.type(typed);
    const typingMs = Date.now() - t0;
    assert.equal(await panel.status(), 'training', 'training went on during the typing');
    await session.page.keyboard.press('Escape'); // a suggestion widget, if any
    await session.page.keyboard.press('Control+S');
    const want = text + typed;
    await eventually(() => assert.equal(readFileSync(wsFile, 'utf8'), want), 10_000);
    // The panel follows the edit: the cursor at the new end, the context ending in the typed text.
    await eventually(async () => {
      assert.equal(await panel.text('cursor-offset'), String(want.length));
      assert.ok(want.endsWith(await panel.text('context')), 'context = the end of the typed line');
    }, 10_000);
    console.log(`      typed ${typed.length} characters in ${typingMs} ms during training`);
    text = want;
  });

  it('after training: 10 predictions in descending order, the actual next character, the heatmap labels', async () => {
    await panel.waitStatus('done', 'Done', (BUDGET_S + 40) * 1_000);
    // Inside Length(): the 40 characters before hold tabs, spaces and a newline.
    const offset = text.indexOf('dx := path[i].X') + 'dx := path'.length;
    await cursorTo(offset);
    const rows = await panel.predictions();
    assert.equal(rows.length, TOP_K, 'topK rows');
    rows.forEach((r, i) => assert.equal(r.rank, String(i + 1)));
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].barWidth <= rows[i - 1].barWidth, `bars descend: ${rows.map((r) => r.barWidth)}`);
      assert.ok(
        pctValue(rows[i].prob) <= pctValue(rows[i - 1].prob),
        `probabilities descend: ${rows.map((r) => r.prob)}`,
      );
    }
    // Bars are as long as their probabilities, relative to one another (rounded percentages: a loose match).
    assert.ok(rows[0].barWidth > 0, 'the top bar is drawn');
    for (const r of rows.slice(1)) {
      const want = pctValue(r.prob) / pctValue(rows[0].prob);
      const got = r.barWidth / rows[0].barWidth;
      assert.ok(
        Math.abs(got - want) <= 0.12,
        `bar ${r.rank} is ${got.toFixed(2)} of the top bar; ${r.prob} of ${rows[0].prob}`,
      );
    }
    assert.equal(new Set(rows.map((r) => r.token)).size, rows.length, 'distinct tokens');
    // The actual next character: its line, and its row marked when it is among the top K.
    const actual = await panel.text('actual-next');
    const next = glyph(text[offset]);
    const m = /^Next in document: (.+) (<0\.1|\d+(?:\.\d)?)% · rank (\d+) · (\d+\.\d\d) bits$/.exec(actual);
    assert.ok(m, `actual-next line: ${JSON.stringify(actual)}`);
    assert.equal(m[1], next, 'the actual next character is the document text after the cursor');
    const rank = Number(m[3]);
    const marked = rows.filter((r) => r.actual);
    if (rank <= TOP_K) {
      assert.equal(marked.length, 1, 'one actual row');
      assert.equal(marked[0].token, next);
      assert.equal(marked[0].rank, String(rank));
    } else assert.equal(marked.length, 0, 'no actual row when outside the top K');
    // Heatmap columns = the last N characters before the cursor, with visible whitespace.
    const labels = await assertHeatmapAt(offset);
    for (const g of ['⇥', '␣', '⏎']) assert.ok(labels.includes(g), `${g} among the labels: ${labels.join('')}`);
    console.log(`      at offset ${offset}: top ${rows[0].token} ${rows[0].prob}; ${actual}`);
    await session.workbench.screenshot('panel-2-predictions');
  });

  it('heatmap labels, gates and predictions change when the cursor moves (Ctrl+G, arrows)', async () => {
    const heatmapImage = () => panel.field('heatmap').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const gateImage = () => panel.field('gate-c-0').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const before = { labels: await panel.heatmapLabels(), heatmap: await heatmapImage(), gate: await gateImage() };
    const offset = text.indexOf('strings.Join(parts') + 'strings.'.length;
    await cursorTo(offset);
    const labels = await assertHeatmapAt(offset);
    assert.notDeepEqual(labels, before.labels, 'the labels changed');
    assert.notEqual(await heatmapImage(), before.heatmap, 'the heatmap repainted');
    assert.notEqual(await gateImage(), before.gate, 'the gate cells repainted');
    // Three steps right with the arrow keys: the window slides by three characters.
    await session.workbench.moveCursor(['ArrowRight', 'ArrowRight', 'ArrowRight']);
    await panel.waitCursorAt(offset + 3);
    const shifted = await assertHeatmapAt(offset + 3);
    assert.deepEqual(shifted.slice(0, -3), labels.slice(3), 'the labels slid left by three');
  });

  it(`shows six gate canvases per layer (${LAYERS} layers), drawn and labelled`, async () => {
    assert.equal(await panel.workbench.webview().locator('canvas.gate-grid').count(), 6 * LAYERS);
    for (let layer = 0; layer < LAYERS; layer++)
      for (const g of GATES) {
        const canvas = panel.field(`gate-${g}-${layer}`);
        assert.ok(await canvas.isVisible(), `gate-${g}-${layer} is shown`);
        const ink = await panel.canvasInk(canvas);
        assert.ok(ink.ink > 0 && ink.distinct > 2, `gate-${g}-${layer} has cells: ${JSON.stringify(ink)}`);
        const label = (await canvas.getAttribute('aria-label')) ?? '';
        assert.match(label, new RegExp(`^${g}: ${GATE_NAMES[g]}, ${HIDDEN} [Uu]nits?; mean -?\\d+\\.\\d\\d$`));
      }
    const headings = await panel.workbench.webview().locator('.gate-layer h3').allTextContents();
    assert.deepEqual(headings, ['Layer 1', 'Layer 2']);
  });

  it('hovering a gate cell shows "Unit N · g (…) = value"; clicking pins the unit and shows its trace', async () => {
    // H = 32 → 8 columns of 10 px cells with 1 px gaps: unit u sits at column u % 8, row ⌊u / 8⌋.
    const at = (u: number) => ({ x: 1 + (u % 8) * 11 + 5, y: 1 + Math.floor(u / 8) * 11 + 5 });
    const tooltip = panel.field('gate-tooltip');
    const canvas = panel.field('gate-o-0');
    await canvas.hover({ position: at(10) });
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    const tip = (await tooltip.textContent()) ?? '';
    const m = /^Unit 10 · o \(output gate\) = (-?\d+\.\d{3})$/.exec(tip);
    assert.ok(m, `tooltip: ${JSON.stringify(tip)}`);
    assert.ok(Number(m[1]) >= 0 && Number(m[1]) <= 1, 'an output gate value lies in 0..1');
    await panel.field('gate-g-1').hover({ position: at(3) });
    assert.match((await tooltip.textContent()) ?? '', /^Unit 3 · g \(candidate\) = -?\d+\.\d{3}$/);
    await session.workbench.screenshot('panel-3-gate-tooltip');
    await panel.workbench.webview().locator('#gates-title').hover();
    await tooltip.waitFor({ state: 'hidden', timeout: 5_000 });

    await canvas.click({ position: at(10) });
    await eventually(async () => assert.equal(await panel.text('pinned-unit'), 'Pinned unit: Layer 1 · Unit 10'));
    const trace = panel.field('unit-trace');
    assert.ok(await trace.isVisible(), 'the unit trace is shown');
    assert.ok((await panel.canvasInk(trace)).ink > 0, 'the unit trace is drawn');
    assert.match((await trace.getAttribute('aria-label')) ?? '', /^i -?\d\.\d\d, f .*, h -?\d\.\d\d$/);
    assert.match((await panel.field('heatmap').getAttribute('aria-label')) ?? '', /Pinned unit: 10$/);
    // A cell in the second layer pins there.
    await panel.field('gate-f-1').click({ position: at(5) });
    await eventually(async () => assert.equal(await panel.text('pinned-unit'), 'Pinned unit: Layer 2 · Unit 5'));
    await session.workbench.screenshot('panel-4-pinned');
  });

  it('keyboard: Tab reaches a gate grid, arrows move the focus cell, Enter pins it', async () => {
    await panel.workbench.webview().locator('#gates-title').click();
    let focused = '';
    for (let i = 0; i < 15 && !focused.startsWith('gate-'); i++) {
      await session.page.keyboard.press('Tab');
      focused = await panel.focused();
    }
    assert.equal(focused, 'gate-i-0', 'Tab reaches the first gate grid');
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown']) await session.page.keyboard.press(key);
    const tooltip = panel.field('gate-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match((await tooltip.textContent()) ?? '', /^Unit 11 · i \(input gate\) = -?\d+\.\d{3}$/);
    await session.page.keyboard.press('Enter');
    await eventually(async () => assert.equal(await panel.text('pinned-unit'), 'Pinned unit: Layer 1 · Unit 11'));
  });

  it('keyboard: the focus stays on the gate grid after Enter pins a unit', async () => {
    // A keyboard user pins a unit and goes on with the arrows: the grid must keep the focus.
    assert.equal(await panel.focused(), 'gate-i-0', 'the focused element after Enter');
  });

  it('the heatmap gate dropdown changes the selected gate', async () => {
    const heatmap = panel.field('heatmap');
    const image = () => heatmap.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    assert.match((await heatmap.getAttribute('aria-label')) ?? '', /^Context heatmap: c \(cell state\)/);
    const before = await image();
    await panel.field('heatmap-gate').click();
    await panel.workbench.webview().locator('vscode-option[value="f"]').click();
    await eventually(async () => {
      assert.match((await heatmap.getAttribute('aria-label')) ?? '', /^Context heatmap: f \(forget gate\)/);
      assert.equal(
        await panel.field('heatmap-gate').evaluate((d) => (d as HTMLElement & { value: string }).value),
        'f',
      );
    });
    assert.notEqual(await image(), before, 'the heatmap shows the forget gate now');
    await session.workbench.screenshot('panel-5-gate-f');
  });

  it('accessibility: predictions-live announces the top prediction politely; canvases have aria-labels', async () => {
    const live = panel.field('predictions-live');
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    const rows = await panel.predictions();
    // Row aria-label "<name> <pct>" ↔ live text "Top prediction: <name>, <pct>".
    const [, name, pct] = /^(.*) (\S+)$/.exec(rows[0].aria) ?? [];
    assert.equal(await panel.text('predictions-live'), `Top prediction: ${name}, ${pct}`);
    assert.equal(pct, rows[0].prob);
    const canvases = await panel.workbench
      .webview()
      .locator('canvas')
      .evaluateAll((cs) =>
        cs
          .filter((c) => c.getAttribute('aria-hidden') !== 'true' && (c as HTMLElement).offsetParent !== null)
          .map((c) => ({
            id: c.getAttribute('data-testid') ?? c.className,
            role: c.getAttribute('role'),
            label: c.getAttribute('aria-label'),
          })),
      );
    const ids = canvases.map((c) => c.id);
    for (const want of ['training-curve', 'heatmap', 'unit-trace', 'gate-i-0', 'gate-h-1'])
      assert.ok(ids.includes(want), `${want} among the visible canvases: ${ids.join(', ')}`);
    for (const c of canvases) {
      assert.equal(c.role, 'img', `${c.id} has role img`);
      assert.ok(c.label && c.label.trim().length > 0, `${c.id} has an aria-label`);
    }
  });

  it(`follows a switch to ${OTHER} (Ctrl+P) and back without retraining ${FILE}`, async () => {
    assert.equal(await panel.status(), 'done');
    const steps = await panel.step();
    assert.ok(steps && steps > 0, 'a step count before switching');
    // Back to the editor first (Ctrl+1), as a user does: Ctrl+P from inside the panel opens in the panel's group.
    await session.page.keyboard.press('Control+1');
    await session.workbench.quickOpen(OTHER);
    await eventually(async () => assert.equal(await panel.text('doc-name'), OTHER));
    await panel.waitStatus('untrained', 'Untrained', 5_000);
    await session.workbench.screenshot('panel-6-other-file');
    await session.workbench.quickOpen(FILE);
    await eventually(async () => assert.equal(await panel.text('doc-name'), FILE));
    await panel.waitStatus('done', 'Done', 5_000);
    assert.equal(await panel.step(), steps, 'same step count: not retrained');
    await sleep(2_000);
    assert.equal(await panel.status(), 'done', 'still done a moment later');
    assert.equal(await panel.step(), steps, 'still the same step count');
  });

  it('Stop, Resume and Retrain buttons change the training status', async () => {
    const stepsBefore = (await panel.step()) ?? 0;
    await panel.field('retrain-button').click();
    await panel.waitStatus('training', 'Training…', 10_000);
    await eventually(async () => {
      const s = await panel.step();
      assert.ok(s !== null && s > 0 && s < stepsBefore, `a fresh step count (${s} < ${stepsBefore})`);
    }, 15_000);
    assert.ok(await panel.field('stop-button').isVisible());
    assert.ok(!(await panel.field('train-button').isVisible()), 'no Train button while training');
    await panel.field('stop-button').click();
    await panel.waitStatus('stopped', 'Stopped', 10_000);
    assert.equal(await panel.text('train-button'), 'Resume');
    const stoppedAt = (await panel.step()) ?? 0;
    await panel.field('train-button').click();
    await panel.waitStatus('training', 'Training…', 10_000);
    await eventually(async () => assert.ok(((await panel.step()) ?? 0) > stoppedAt, 'resumed: steps go on'), 15_000);
    const stopClick = Date.now();
    await panel.field('stop-button').click();
    await panel.waitStatus('stopped', 'Stopped', 10_000);
    // Stopping saves the model (used by the reload test).
    await eventually(
      () =>
        assert.ok(
          savedModelMetas(session.server).some((m) => m.savedAt >= stopClick - 1_000),
          'a saved model',
        ),
      15_000,
      200,
    );
    await session.workbench.screenshot('panel-7-stopped');
  });

  it('comes back after "Developer: Reload Window" with the document, its saved model, pinned unit and gate', async () => {
    const pinned = await panel.text('pinned-unit');
    const gate = await panel.field('heatmap-gate').evaluate((d) => (d as HTMLElement & { value: string }).value);
    assert.equal(pinned, 'Pinned unit: Layer 1 · Unit 11');
    assert.equal(gate, 'f');
    await reloadWindow(session.workbench);
    await panel.waitReady(60_000);
    await eventually(async () => assert.equal(await panel.text('doc-name'), FILE), 20_000);
    await panel.waitStatus('done', 'Done', 20_000);
    assert.equal(await panel.text('training-message'), 'Loaded the saved model for this document.');
    await eventually(async () => {
      assert.equal(await panel.text('pinned-unit'), pinned);
      assert.equal(
        await panel.field('heatmap-gate').evaluate((d) => (d as HTMLElement & { value: string }).value),
        gate,
      );
      assert.match(
        (await panel.field('heatmap').getAttribute('aria-label')) ?? '',
        /^Context heatmap: f \(forget gate\)/,
      );
    }, 20_000);
    await sleep(3_000);
    assert.equal(await panel.status(), 'done', 'not retraining after the reload');
    assert.equal(await panel.step(), null, 'no training progress after the reload');
    await session.workbench.screenshot('panel-8-reloaded');
  });

  const THEMES: [string, string][] = [
    ['Default Light Modern', 'vscode-light'],
    ['Default Dark Modern', 'vscode-dark'],
    ['Default High Contrast', 'vscode-high-contrast'],
    ['Default High Contrast Light', 'vscode-high-contrast-light'],
  ];
  const KINDS = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];
  for (const [theme, kind] of THEMES) {
    it(`theme "${theme}": the webview body is ${kind}, no CSP violations (screenshots)`, async () => {
      await panel.body().evaluate((b) => b.ownerDocument.defaultView?.scrollTo(0, 0));
      const gateBefore = await panel.field('gate-c-0').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
      const kindBefore = (await panel.bodyInfo()).classes;
      await pickColorTheme(session.page, theme);
      await eventually(
        async () => {
          const { classes } = await panel.bodyInfo();
          assert.ok(classes.includes(kind), `${kind} in ${classes.join(' ')}`);
          for (const other of KINDS)
            if (other !== kind && !(kind === 'vscode-high-contrast-light' && other === 'vscode-high-contrast'))
              assert.ok(!classes.includes(other), `no ${other} in ${classes.join(' ')}`);
        },
        20_000,
        200,
      );
      await panel.waitCursorAt(Number(await panel.text('cursor-offset')));
      await sleep(500); // the repaint for the new palette
      const { csp } = await panel.bodyInfo();
      assert.ok(csp === null || csp === '0', `no CSP violations (data-csp-violations=${csp})`);
      if (!kindBefore.includes(kind))
        assert.notEqual(
          await panel.field('gate-c-0').evaluate((c) => (c as HTMLCanvasElement).toDataURL()),
          gateBefore,
          'the gate cells repainted in the new palette',
        );
      // The signed scale (g, c, h in −1..1) must tell −1 from +1 by colour, not by lightness alone.
      const ends = await panel.workbench
        .webview()
        .locator('canvas.legend-bar')
        .nth(1)
        .evaluate((c) => {
          const g = (c as HTMLCanvasElement).getContext('2d')!;
          const px = (x: number) => Array.from(g.getImageData(x, 5, 1, 1).data.slice(0, 3));
          return { negative: px(0), positive: px(119) };
        });
      const gap = hueDistance(ends.negative as Rgb, ends.positive as Rgb);
      console.log(`      g/c/h scale: −1 rgb(${ends.negative}) … +1 rgb(${ends.positive}), hue gap ${gap.toFixed(0)}°`);
      const slug = theme.toLowerCase().replace(/\s+/g, '-');
      await session.workbench.screenshot(`panel-theme-${slug}-top`);
      await panel.workbench
        .webview()
        .locator('#gates-title')
        .evaluate((e) => e.scrollIntoView());
      await session.workbench.screenshot(`panel-theme-${slug}-gates`);
      await panel.workbench
        .webview()
        .locator('#heatmap-title')
        .evaluate((e) => e.scrollIntoView());
      await session.workbench.screenshot(`panel-theme-${slug}-heatmap`);
      await panel.workbench
        .webview()
        .locator('#training-title')
        .evaluate((e) => e.scrollIntoView());
      assert.ok(gap >= 60, `−1 and +1 of the g/c/h scale differ in hue (${gap.toFixed(0)}° apart)`);
    });
  }

  it('leaves no [error] lines in the extension host log', () => {
    assert.deepEqual(session.extHostErrors(), []);
  });
});
