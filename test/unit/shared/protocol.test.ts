// The protocol parsers accept every well-formed message and reject malformed or unknown ones.
import * as assert from 'node:assert/strict';
import * as v from 'valibot';
import { EMPTY_INSIGHT, EMPTY_LAB, LabSnapshot, parseHostToWebview, Prediction } from '../../../src/shared/protocol';
import { parseWebviewMessage } from '../../../src/protocol/webview';
import { TRAINER_CALLS, TRAINER_EVENTS, TRAINER_NOTIFICATIONS } from '../../../src/protocol/trainerApi';

type Flat = Record<string, unknown> & { type: string };
const valid = (schema: v.GenericSchema, params: unknown) => v.safeParse(schema, params).success;
/** Worker answers and events, written as the flat messages these cases were first written in: checked by the contract. */
const answerMethod: Record<string, keyof typeof TRAINER_CALLS> = { prediction: 'predict', sampled: 'sample' };
function parseWorkerMessage(m: Flat): Flat | undefined {
  const { type, docId: _docId, requestId: _requestId, ...result } = m;
  if (type in TRAINER_EVENTS) {
    const { type: _t, ...params } = m;
    return valid(TRAINER_EVENTS[type as keyof typeof TRAINER_EVENTS], params) ? m : undefined;
  }
  const method = answerMethod[type];
  return method && valid(TRAINER_CALLS[method].result, result) ? m : undefined;
}
/** Host requests and notifications, written flat: checked by the contract. */
function parseHostToWorker(m: Flat): Flat | undefined {
  const { type, requestId: _requestId, ...params } = m;
  if (type in TRAINER_NOTIFICATIONS)
    return valid(TRAINER_NOTIFICATIONS[type as keyof typeof TRAINER_NOTIFICATIONS], params) ? m : undefined;
  if (type in TRAINER_CALLS)
    return valid(TRAINER_CALLS[type as keyof typeof TRAINER_CALLS].params, params) ? m : undefined;
  return undefined;
}

function prediction(h = 4, t = 3): Prediction {
  return {
    top: [{ token: 'a', prob: 0.5 }],
    actual: { token: 'b', prob: 0.1, rank: 3, bits: 3.32 },
    hiddenSize: h,
    layers: 1,
    contextTokens: Array.from({ length: t }, () => 'x'),
    trace: [{ values: new Float32Array(t * 6 * h) }],
  };
}

describe('protocol: webview → host', () => {
  it('accepts each message kind', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'stop' }), { type: 'command', command: 'stop' });
    const view = { selectedGate: 'f', pinnedUnit: 3, pinnedLayer: 0 };
    assert.deepEqual(parseWebviewMessage({ type: 'viewState', view }), { type: 'viewState', view });
  });

  it('accepts a sampling request only with a sane temperature', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'sample', temperature: 0.8 }), { type: 'sample', temperature: 0.8 });
    assert.equal(parseWebviewMessage({ type: 'sample', temperature: -1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'sample', temperature: 1e9 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'sample', temperature: '1' }), undefined);
  });

  it('accepts lab actions and refuses out-of-range interventions', () => {
    const spec = { layer: 0, unit: 7, target: 'f', value: 1, steps: 20 };
    assert.deepEqual(parseWebviewMessage({ type: 'intervene', spec, temperature: 0.8 }), {
      type: 'intervene',
      spec,
      temperature: 0.8,
    });
    assert.ok(
      parseWebviewMessage({ type: 'intervene', spec: { ...spec, unit: null, target: 'c', value: -3 }, temperature: 0 }),
    );
    for (const bad of [
      { ...spec, value: 2 }, // a gate lives in [0, 1]
      { ...spec, target: 'c', value: 50 }, // c is clamped within ±10
      { ...spec, target: 'x' },
      { ...spec, steps: 0 },
      { ...spec, unit: -1 },
      { ...spec, layer: 1.5 },
    ])
      assert.equal(
        parseWebviewMessage({ type: 'intervene', spec: bad, temperature: 0.8 }),
        undefined,
        JSON.stringify(bad),
      );
    assert.deepEqual(parseWebviewMessage({ type: 'compareCells', match: 'hidden' }), {
      type: 'compareCells',
      match: 'hidden',
    });
    assert.equal(parseWebviewMessage({ type: 'compareCells', match: 'weights' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'followMemory', on: true }), { type: 'followMemory', on: true });
    assert.equal(parseWebviewMessage({ type: 'followMemory', on: 'yes' }), undefined);
    for (const type of ['measureMemory', 'resetIntervention', 'stopCompare'])
      assert.deepEqual(parseWebviewMessage({ type, junk: '<img>' }), { type });
  });

  it('drops unknown, malformed and hostile messages', () => {
    for (const bad of [
      null,
      42,
      'ready',
      [],
      { type: 'nope' },
      { type: 'command', command: 'rm -rf /' },
      { type: 'command' },
      { type: 'viewState', view: { selectedGate: 'z', pinnedUnit: null, pinnedLayer: 0 } },
      { type: 'viewState', view: { selectedGate: 'f', pinnedUnit: -1, pinnedLayer: 0 } },
      { type: 'viewState', view: { selectedGate: 'f', pinnedUnit: 1.5, pinnedLayer: 0 } },
      { type: 'painted', version: 1, offset: 2, ms: Infinity },
      { type: 'painted', version: '1', offset: 2, ms: 1 },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('copies only known fields (no prototype tricks pass through)', () => {
    const parsed = parseWebviewMessage(JSON.parse('{"type":"ready","__proto__":{"polluted":true},"extra":1}'));
    assert.deepEqual(parsed, { type: 'ready' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('protocol: worker → host', () => {
  it('accepts a prediction whose trace has the declared shape', () => {
    const m = { type: 'prediction', docId: 'd', requestId: 1, version: 2, offset: 3, prediction: prediction() };
    assert.ok(parseWorkerMessage(m));
  });

  it('rejects a trace of the wrong length or type', () => {
    const p = prediction();
    p.trace[0].values = new Float32Array(5);
    assert.equal(
      parseWorkerMessage({ type: 'prediction', docId: 'd', requestId: 1, version: 2, offset: 3, prediction: p }),
      undefined,
    );
    const q = prediction() as unknown as { trace: { values: unknown }[] };
    q.trace[0].values = [0, 0];
    assert.equal(
      parseWorkerMessage({ type: 'prediction', docId: 'd', requestId: 1, version: 2, offset: 3, prediction: q }),
      undefined,
    );
  });

  it('parses the lab answers through the same entry point', () => {
    const sampled = { type: 'sampled', docId: 'd', requestId: 3, version: 1, offset: 5, text: 'abc' };
    assert.deepEqual(parseWorkerMessage(sampled), sampled);
    assert.equal(parseWorkerMessage({ ...sampled, text: 5 }), undefined);
  });

  it('rejects progress with NaN loss and unknown statuses', () => {
    const progress = { step: 1, loss: NaN, heldOutBpc: null, epoch: 0, charsPerSec: 1, elapsedSec: 1, etaSec: null };
    assert.equal(parseWorkerMessage({ type: 'trainingProgress', docId: 'd', progress }), undefined);
    assert.equal(
      parseWorkerMessage({ type: 'trainingStatus', docId: 'd', status: 'exploded', message: null }),
      undefined,
    );
    assert.ok(parseWorkerMessage({ type: 'trainingStatus', docId: 'd', status: 'done', message: null }));
  });
});

describe('protocol: host → worker', () => {
  it('validates requests', () => {
    assert.ok(parseHostToWorker({ type: 'setDocument', docId: 'd', version: 1, text: 'abc' }));
    assert.ok(
      parseHostToWorker({
        type: 'editDocument',
        docId: 'd',
        version: 2,
        edits: [{ offset: 0, deleteCount: 1, text: '' }],
      }),
    );
    assert.equal(
      parseHostToWorker({
        type: 'editDocument',
        docId: 'd',
        version: 2,
        edits: [{ offset: -1, deleteCount: 1, text: '' }],
      }),
      undefined,
    );
    assert.equal(
      parseHostToWorker({ type: 'predict', docId: 'd', requestId: 1, version: 1, offset: 0, topK: 0, context: 10 }),
      undefined,
    );
    assert.equal(parseHostToWorker({ type: 'train', docId: 'd' }), undefined);
    const train = { type: 'train', docId: 'd', model: {}, training: {}, resume: false };
    assert.ok(parseHostToWorker({ ...train, faultAtStepForTesting: 30 }), 'the test-only fault step');
    assert.equal(parseHostToWorker({ ...train, faultAtStepForTesting: -1 }), undefined);
    assert.equal(parseHostToWorker({ ...train, faultAtStepForTesting: 'soon' }), undefined);
  });

  it('validates the slices of a chunked document text', () => {
    const chunk = { type: 'documentChunk', docId: 'd', version: 3, offset: 524288, text: 'abc' };
    assert.deepEqual(parseHostToWorker(chunk), chunk);
    assert.equal(parseHostToWorker({ ...chunk, offset: -1 }), undefined, 'negative offset');
    assert.equal(parseHostToWorker({ ...chunk, offset: 1.5 }), undefined, 'fractional offset');
    assert.equal(parseHostToWorker({ ...chunk, text: 42 }), undefined, 'text not a string');
    assert.equal(parseHostToWorker({ ...chunk, version: '3' }), undefined, 'version not a number');
    const end = { type: 'documentEnd', docId: 'd', version: 3, length: 1048576 };
    assert.deepEqual(parseHostToWorker(end), end);
    assert.equal(parseHostToWorker({ ...end, length: -5 }), undefined, 'negative length');
    assert.equal(parseHostToWorker({ type: 'documentEnd', docId: 'd', version: 3 }), undefined, 'no length');
    assert.equal(parseHostToWorker({ ...end, docId: 7 }), undefined, 'docId not a string');
  });
});

describe('protocol: host → webview', () => {
  it('accepts a snapshot and rejects a broken one', () => {
    const snapshot = {
      document: { uri: 'file:///a', fileName: 'a', languageId: 'plaintext', version: 1, length: 3, lineCount: 1 },
      cursor: { version: 1, offset: 1, line: 0, character: 1, before: 'a', next: 'b' },
      training: null,
      prediction: prediction(),
      view: { selectedGate: 'c', pinnedUnit: null, pinnedLayer: 0 },
      settings: { topK: 10, contextWindow: 40 },
      insight: EMPTY_INSIGHT,
      lab: EMPTY_LAB,
      strings: { Training: '학습' },
    };
    assert.ok(parseHostToWebview({ type: 'snapshot', snapshot }));
    assert.equal(parseHostToWebview({ type: 'snapshot', snapshot: { ...snapshot, strings: { a: 1 } } }), undefined);
    assert.equal(parseHostToWebview({ type: 'cursor', cursor: { ...snapshot.cursor, before: 5 } }), undefined);
  });

  it('validates lab updates: memory strip shapes, comparisons and probes', () => {
    const memory = {
      version: 1,
      offset: 3,
      cell: 'lstm',
      hiddenSize: 2,
      tokens: ['a', 'b', 'c'],
      offsets: [0, 1, 2, 3],
      gradient: [0.1, 0.5, 1],
      memory: [0.2, 0.6, 1],
      memoryUnits: new Float32Array(6),
      target: { token: 'd', prob: 0.4 },
    };
    const bucket = {
      label: '21–40',
      minDistance: 21,
      maxDistance: 40,
      count: 5,
      meanProb: { lstm: 0.5, gru: 0.4, rnn: null },
      top1: { lstm: 0.6, gru: 0.4, rnn: null },
    };
    const compare = {
      status: 'done',
      match: 'params',
      budgetSec: 5,
      curves: [
        { cell: 'rnn', hiddenSize: 240, params: 9000, points: [{ step: 1, loss: 3, heldOutBpc: 4, elapsedSec: 1 }] },
      ],
      results: [{ cell: 'rnn', hiddenSize: 240, params: 9000, heldOutBpc: 2.5, steps: 40 }],
      probe: { state: 'ready', buckets: [bucket] },
      note: null,
    };
    const lab: LabSnapshot = { ...EMPTY_LAB, memory, compare, pending: ['memory'] } as LabSnapshot;
    assert.ok(parseHostToWebview({ type: 'lab', lab }));
    const broken = [
      { ...lab, memory: { ...memory, gradient: [0.1] } }, // one value for three tokens
      { ...lab, memory: { ...memory, memoryUnits: new Float32Array(5) } }, // not T × H
      { ...lab, compare: { ...compare, status: 'maybe' } },
      {
        ...lab,
        compare: { ...compare, probe: { state: 'ready', buckets: [{ ...bucket, meanProb: { lstm: 'high' } }] } },
      },
      { ...lab, pending: ['everything'] },
      { ...lab, memoryFollow: 1 },
      { ...lab, error: 'bare text' }, // an error says which tool failed
      { ...lab, error: { kind: 'everything', message: 'x' } },
    ];
    assert.ok(parseHostToWebview({ type: 'lab', lab: { ...lab, error: { kind: 'memory', message: 'No model yet' } } }));
    for (const b of broken) assert.equal(parseHostToWebview({ type: 'lab', lab: b }), undefined);
  });

  it('validates insight updates', () => {
    const label = { feature: 'inString', layer: 0, gate: 'c', unit: 37, r: 0.82 };
    const ok = { ...EMPTY_INSIGHT, overlay: 'activation', labelsState: 'ready', labels: [label] };
    assert.ok(parseHostToWebview({ type: 'insight', insight: ok }));
    assert.equal(parseHostToWebview({ type: 'insight', insight: { ...ok, overlay: 'rainbow' } }), undefined);
    assert.equal(
      parseHostToWebview({ type: 'insight', insight: { ...ok, labels: [{ ...label, r: NaN }] } }),
      undefined,
    );
    assert.equal(
      parseHostToWebview({ type: 'insight', insight: { ...ok, labels: [{ ...label, gate: 'i' }] } }),
      undefined,
    );
  });
});
