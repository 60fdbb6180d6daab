// The panel store sends what changed as one patch per tick, holds a cursor for its prediction, appends compare points.
import * as assert from 'node:assert/strict';
import { CURSOR_HOLD_MS, PanelStore } from '../../../src/host/panel/panelStore';
import { cursor, prediction } from '../panelFixtures';
import {
  DEFAULT_VIEW_STATE,
  EMPTY_INSIGHT,
  EMPTY_LAB,
  type HostToWebview,
  type PanelSnapshot,
  type PanelUpdate,
} from '../../../src/shared/protocol';

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function setup() {
  const state: PanelSnapshot = {
    document: null,
    cursor: null,
    training: { status: 'untrained', message: null, latest: null, curve: [], backend: null, checkpoint: null },
    prediction: null,
    view: DEFAULT_VIEW_STATE,
    settings: { topK: 10, contextWindow: 40 },
    insight: EMPTY_INSIGHT,
    lab: EMPTY_LAB,
    strings: { Train: 'Train' },
  };
  let answer: { version: number; offset: number } | null = null;
  const posted: HostToWebview[] = [];
  let ready = true;
  const store = new PanelStore(
    {
      document: () => state.document,
      cursor: () => state.cursor,
      training: () => state.training,
      view: () => state.view,
      settings: () => state.settings,
      insight: () => state.insight,
      lab: () => state.lab,
      strings: () => state.strings,
      prediction: () =>
        answer
          ? { type: 'prediction', ...answer, prediction }
          : { type: 'prediction', version: -1, offset: -1, prediction: null },
    },
    { ready: () => ready, post: (m) => posted.push(m) },
  );
  const patches = () => posted.map((m) => (m.type === 'patch' ? m.updates.map((u: PanelUpdate) => u.type) : [m.type]));
  return {
    store,
    state,
    posted,
    patches,
    answer: (a: { version: number; offset: number }) => (answer = a),
    setReady: (r: boolean) => (ready = r),
  };
}

describe('PanelStore', () => {
  it('sends the slices marked in one tick as one patch, each once, newest value', async () => {
    const { store, state, patches, posted } = setup();
    store.mark('training');
    store.mark('insight', 'training');
    state.training = { ...state.training!, status: 'training' };
    assert.equal(posted.length, 0, 'nothing until the tick ends');
    await tick();
    assert.deepEqual(patches(), [['training', 'insight']]);
    const patch = posted[0] as Extract<HostToWebview, { type: 'patch' }>;
    assert.equal((patch.updates[0] as Extract<PanelUpdate, { type: 'training' }>).training.status, 'training');
    assert.ok(!JSON.stringify(posted).includes('strings'), 'UI strings travel only in snapshots');
  });

  it('pinning a unit sends the view, not a snapshot', async () => {
    const { store, state, patches } = setup();
    state.view = { selectedGate: 'h', pinnedUnit: 3, pinnedLayer: 0 };
    store.mark('view');
    await tick();
    assert.deepEqual(patches(), [['view']]);
  });

  it('holds a cursor until its prediction arrives, then sends both in one patch', async () => {
    const { store, state, patches, answer } = setup();
    state.cursor = cursor(5);
    store.markCursorAwaitingPrediction();
    await tick();
    assert.deepEqual(patches(), [], 'the cursor waits for its answer');
    answer({ version: 1, offset: 5 });
    store.predictionArrived();
    await tick();
    assert.deepEqual(patches(), [['cursor', 'prediction']]);
  });

  it('sends a held cursor alone when its prediction takes longer than a frame', async () => {
    const { store, state, patches, answer } = setup();
    state.cursor = cursor(7);
    store.markCursorAwaitingPrediction();
    await sleep(CURSOR_HOLD_MS * 3);
    assert.deepEqual(patches(), [['cursor']]);
    answer({ version: 1, offset: 7 });
    store.predictionArrived();
    await tick();
    assert.deepEqual(patches(), [['cursor'], ['prediction']]);
  });

  it('a cursor that needs no prediction goes out on the next tick, without an old answer', async () => {
    const { store, state, patches, answer } = setup();
    answer({ version: 1, offset: 2 });
    state.cursor = cursor(3);
    store.mark('cursor');
    await tick();
    assert.deepEqual(patches(), [['cursor']], 'the answer for offset 2 does not ride along with cursor 3');
  });

  it('appends compare points, and drops them when the whole lab slice goes out', async () => {
    const { store, patches, posted } = setup();
    const point = { step: 1, loss: 2, heldOutBpc: null, elapsedSec: 0.1 };
    store.compareProgress({ cell: 'lstm', hiddenSize: 8, params: 100, point });
    store.compareProgress({ cell: 'lstm', hiddenSize: 8, params: 100, point: { ...point, step: 2 } });
    await tick();
    assert.deepEqual(patches(), [['comparePoints']]);
    const update = (posted[0] as Extract<HostToWebview, { type: 'patch' }>).updates[0];
    assert.equal(update.type === 'comparePoints' && update.points.length, 2);
    store.compareProgress({ cell: 'gru', hiddenSize: 8, params: 100, point });
    store.mark('lab');
    await tick();
    assert.deepEqual(patches(), [['comparePoints'], ['lab']], 'the lab slice already holds those points');
  });

  it('sends nothing to a webview that is not ready, and a snapshot replaces what was pending', async () => {
    const { store, patches, setReady } = setup();
    setReady(false);
    store.mark('training');
    await tick();
    assert.deepEqual(patches(), []);
    setReady(true);
    store.mark('insight');
    store.sendSnapshot();
    await tick();
    assert.deepEqual(patches(), [['snapshot']]);
  });
});
