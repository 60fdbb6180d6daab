// VS Code for the Web: the extension in the workbench's Web Worker extension host (its "browser" entry, no
// Node) opens a file, trains and shows predictions at the cursor, as in Node's extension host. The same
// scenario runs in both hosts in this one run, same document and settings, and prints the figures the web
// build is judged by (training chars/s in each host, Open Explorer → first prediction, cursor → painted
// prediction p50/p95) into .test-output/web-figures.json, then reloads the window and finds the saved model
// restored (from workspace.fs on the web). Only behaviour is asserted, never a time.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputRoot } from '../rig/paths';
import { Session } from '../rig/session';
import { eventually } from '../rig/workbench';
import {
  COMMAND_TITLE,
  FAST_SETTINGS,
  PanelDriver,
  generateSource,
  gotoLine,
  installKeyClock,
  lastKey,
  lineStarts,
  prng,
  reloadWindow,
  savedModelMetas,
  summary,
  type PaintRecord,
} from './panelHelpers';

const FILE = 'web_module.py';
/** Generated at test time into each run's workspace, the same text for both hosts. */
const SOURCE = generateSource(40_000, 11);
const MOVES = 30;

interface HostFigures {
  host: 'web' | 'node';
  openToFirstPredictionMs: number;
  trainingCharsPerSec: number;
  steps: number;
  cursorToPaint: ReturnType<typeof summary>;
  trainerNote: string;
}

const figures: HostFigures[] = [];

/** Waits inside the webview until it has painted a prediction for `offset` after `since` (epoch ms); its time. */
async function paintedAt(
  panel: PanelDriver,
  offset: number | null,
  since: number,
  timeoutMs = 20_000,
): Promise<number> {
  const at = await panel.body().evaluate(
    (_b, [o, s, t]) =>
      new Promise<number | null>((resolve) => {
        const end = performance.now() + t;
        const check = () => {
          const paints = (window as unknown as { lstmLensPaints: PaintRecord[] }).lstmLensPaints;
          const hit = paints.find((r) => r.kind === 'prediction' && (o === null || r.offset === o) && r.paintedAt > s);
          const rows = document.querySelectorAll('[data-testid="predictions"] li.prediction').length;
          if (hit && rows > 0) resolve(hit.paintedAt);
          else if (performance.now() > end) resolve(null);
          else setTimeout(check, 4);
        };
        check();
      }),
    [offset, since, timeoutMs] as const,
  );
  if (at === null)
    throw new Error(`no prediction painted${offset === null ? '' : ` for offset ${offset}`} in ${timeoutMs} ms`);
  return at;
}

for (const host of ['web', 'node'] as const) {
  describe(`the extension in the ${host === 'web' ? 'Web Worker (VS Code for the Web)' : 'Node'} extension host (UI)`, function () {
    this.timeout(180_000);
    let session: Session;
    let panel: PanelDriver;
    const partial: Partial<HostFigures> = { host };

    before(async () => {
      session = await Session.open({
        name: `ui-web-${host}`,
        devExtension: true,
        extensionKind: host === 'web' ? 'web' : undefined,
        settings: FAST_SETTINGS,
        beforeGoto: async (_page, server) => writeFileSync(join(server.workspace, FILE), SOURCE),
      });
      panel = new PanelDriver(session.workbench);
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && session)
        await session.workbench.screenshot(`web-${host}-FAILED-${this.currentTest.title}`).catch(() => undefined);
    });

    after(async () => {
      await session?.close();
      if (session && host === 'node')
        assert.deepEqual(session.extHostErrors(), [], 'no [error] lines in the extension host log');
    });

    it(`opens ${FILE}, runs "${COMMAND_TITLE}" and shows a prediction at the cursor`, async () => {
      await session.workbench.quickOpen(FILE, 60_000);
      await installKeyClock(session.page);
      await session.workbench.runCommand(COMMAND_TITLE);
      const enter = await lastKey(session.page, 'Enter');
      assert.ok(enter, 'the palette Enter was recorded');
      await panel.waitReady();
      assert.equal(await panel.text('doc-name'), FILE);
      const first = await paintedAt(panel, null, enter.at, 60_000);
      partial.openToFirstPredictionMs = Math.round(first - enter.at);
      const rows = await panel.predictions();
      assert.ok(rows.length > 0 && rows.every((r) => r.token.length > 0), 'prediction rows with tokens');
      await session.workbench.screenshot(`web-${host}-1-first-prediction`);
    });

    it('says in the panel which host it runs in, only on the web', async () => {
      const note = panel.field('training-host-note');
      if (host === 'web') {
        await note.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await panel.text('training-host-note'), /VS Code for the Web: training runs on one thread/);
      } else assert.equal(await note.isVisible(), false);
      partial.trainerNote = host === 'web' ? await panel.text('training-host-note') : '';
    });

    it('trains to the end of its time budget and reports its speed', async () => {
      await panel.waitStatus('done', 'Done', 90_000);
      const stats = await panel.stats();
      partial.trainingCharsPerSec = Number((stats['chars/s'] ?? '').replace(/[^\d]/g, ''));
      partial.steps = Number((stats.Step ?? '').replace(/[^\d]/g, ''));
      assert.ok(partial.trainingCharsPerSec > 0 && partial.steps > 0, JSON.stringify(stats));
      await session.workbench.screenshot(`web-${host}-2-trained`);
    });

    it(`paints a prediction for the right offset after each of ${MOVES} jumps`, async () => {
      const starts = lineStarts(SOURCE);
      const rnd = prng(7_777);
      const latencies: number[] = [];
      for (let i = 0; i < MOVES; i++) {
        const line = 2 + Math.floor(rnd() * (starts.length - 3));
        const length = starts[line] - 1 - starts[line - 1];
        const col = 1 + Math.floor(rnd() * Math.max(1, length));
        const offset = starts[line - 1] + col - 1;
        const since = Date.now();
        await gotoLine(session.page, line, col, 10_000, false);
        const enter = await lastKey(session.page, 'Enter');
        assert.ok(enter && enter.at >= since - 5, 'the jump’s Enter was recorded');
        latencies.push((await paintedAt(panel, offset, enter.at)) - enter.at);
      }
      partial.cursorToPaint = summary(latencies);
      figures.push(partial as HostFigures);
      await session.workbench.screenshot(`web-${host}-3-after-jumps`);
    });

    it('after "Developer: Reload Window" restores the saved model from the extension storage, untrained no more', async () => {
      await eventually(() => assert.ok(savedModelMetas(session.server).length > 0, 'a saved model'), 20_000, 200);
      const steps = savedModelMetas(session.server)[0].steps;
      await reloadWindow(session.workbench);
      await panel.waitReady(60_000);
      await panel.waitStatus('done', 'Done', 30_000);
      assert.equal(await panel.text('training-message'), 'Loaded the saved model for this document.');
      await eventually(async () => {
        const rows = await panel.predictions();
        assert.ok(rows.length > 0, 'predictions from the restored model');
      }, 20_000);
      assert.ok(steps > 0, `the saved model's ${steps} steps`);
      await session.workbench.screenshot(`web-${host}-4-restored`);
    });
  });
}

describe('web vs Node extension host figures (UI)', () => {
  it('prints them', function () {
    if (figures.length === 0) this.skip();
    for (const f of figures)
      console.log(
        `      [${f.host}] Open Explorer → first prediction ${f.openToFirstPredictionMs} ms; training ${f.trainingCharsPerSec} chars/s (${f.steps} steps); cursor → painted prediction p50 ${f.cursorToPaint.p50} ms, p95 ${f.cursorToPaint.p95} ms (n=${f.cursorToPaint.n})`,
      );
    const web = figures.find((f) => f.host === 'web');
    const node = figures.find((f) => f.host === 'node');
    if (web && node)
      console.log(
        `      web / node training speed: ${(web.trainingCharsPerSec / node.trainingCharsPerSec).toFixed(2)}`,
      );
    writeFileSync(join(outputRoot(), 'web-figures.json'), JSON.stringify(figures, null, 2) + '\n');
  });
});
