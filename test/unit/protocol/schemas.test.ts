// Every trainer method's params schema accepts a well-formed request and refuses malformed and out-of-range
// ones; results are checked too. That each schema produces exactly its domain type is proved by the compiler
// (schemaFor in src/protocol/schema.ts); the @ts-expect-error below keeps that proof honest.
import * as assert from 'node:assert/strict';
import * as v from 'valibot';
import { LIMITS } from '../../../src/shared/domain';
import { schemaFor } from '../../../src/protocol/schema';
import { interventionSpec } from '../../../src/protocol/lab';
import { TRAINER_CALLS, TRAINER_EVENTS, TRAINER_NOTIFICATIONS } from '../../../src/protocol/trainerApi';

const ok = (schema: v.GenericSchema, x: unknown) => assert.ok(v.is(schema, x), JSON.stringify(x));
const bad = (schema: v.GenericSchema, x: unknown) => assert.ok(!v.is(schema, x), `accepted ${JSON.stringify(x)}`);

const cursor = { docId: 'd', version: 3, offset: 10 };
const sampling = { length: 40, temperature: 0.8, seed: 1 };
const spec = { layer: 0, unit: 3, target: 'f', value: 1, steps: 5 };

/** One well-formed params object per call, and edits of it that must be refused. */
const CALL_CASES: { [K in keyof typeof TRAINER_CALLS]: [unknown, Record<string, unknown>[]] } = {
  predict: [
    { ...cursor, topK: 5, context: 16 },
    [{ topK: 0 }, { topK: LIMITS.topK.max + 1 }, { offset: -1 }, { context: 1.5 }, { docId: 7 }],
  ],
  exportModel: [{ docId: 'd' }, [{ docId: null }]],
  importModel: [{ docId: 'd', json: '{}', weights: new ArrayBuffer(8) }, [{ weights: new Uint8Array(8) }, { json: 1 }]],
  unitValues: [
    { docId: 'd', version: 1, start: 0, end: 10, layer: 0, gate: 'c', unit: 3 },
    [{ gate: 'z' }, { end: -1 }, { start: 11 }, { unit: -1 }, { end: LIMITS.insightRange.max + 1 }],
  ],
  surprisal: [{ docId: 'd', version: 1, start: 0, end: 10 }, [{ start: 5, end: 4 }, { version: 'v' }]],
  alternatives: [{ ...cursor, topK: 5 }, [{ topK: 0 }, { offset: 1.5 }]],
  findUnits: [
    { docId: 'd', version: 1, selections: [{ start: 0, end: 3 }], direction: 'high', gates: ['c'], limit: 20 },
    [
      { selections: [] },
      { selections: [{ start: 3, end: 0 }] },
      { direction: 'up' },
      { gates: [] },
      { gates: ['x'] },
      { limit: 0 },
      { limit: LIMITS.matches.max + 1 },
    ],
  ],
  labelUnits: [{ docId: 'd', languageId: 'python' }, [{ languageId: undefined }]],
  inspect: [
    { docId: 'd', target: { kind: 'unit', layer: 0, gate: 'f', unit: 3 } },
    [
      { target: { kind: 'unit', layer: 0, gate: 'z', unit: 3 } },
      { target: { kind: 'probe', feature: 'nope' } },
      { target: { kind: 'layer' } },
      { probe: { weights: [1, 2], bias: 0 } },
      { probe: { weights: new Float32Array(4 * LIMITS.hiddenSize.max + 1), bias: 0 } },
    ],
  ],
  probeValues: [
    { docId: 'd', version: 1, start: 0, end: 10, weights: new Float32Array(8), bias: 0.5 },
    [{ start: 11 }, { bias: NaN }, { weights: [0] }, { end: LIMITS.insightRange.max + 1 }],
  ],
  sample: [
    { ...cursor, ...sampling },
    [
      { length: LIMITS.sampleLength.max + 1 },
      { length: -1 },
      { temperature: -0.1 },
      { temperature: LIMITS.temperature.max + 1 },
      { seed: 0.5 },
    ],
  ],
  intervene: [
    { ...cursor, ...sampling, ...spec, topK: 5 },
    [
      { value: 1.5 },
      { target: 'c', value: 11 },
      { steps: 0 },
      { steps: LIMITS.clampSteps.max + 1 },
      { layer: LIMITS.layers.max },
      { unit: LIMITS.hiddenSize.max },
      { target: 'g' },
      { topK: 0 },
    ],
  ],
  memorySpan: [{ ...cursor, window: 64 }, [{ window: 0 }, { window: LIMITS.memoryWindow.max + 1 }]],
  compareCells: [
    { docId: 'd', budgetSec: 30, match: 'params', hiddenSize: 64, languageId: 'c' },
    [
      { budgetSec: 0 },
      { budgetSec: LIMITS.compareBudgetSec.max + 1 },
      { match: 'size' },
      { hiddenSize: LIMITS.hiddenSize.min - 1 },
      { hiddenSize: LIMITS.hiddenSize.max + 1 },
    ],
  ],
  recallExperiment: [
    { docId: 'd', steps: 600, match: 'params', hiddenSize: 32, seed: 1337 },
    [{ steps: 0 }, { steps: LIMITS.recallSteps.max + 1 }, { match: 'size' }, { hiddenSize: 1 }, { seed: 0.5 }],
  ],
  longRangeProbe: [{ docId: 'd' }, [{ docId: undefined }]],
};

const NOTIFY_CASES: { [K in keyof typeof TRAINER_NOTIFICATIONS]: [unknown, Record<string, unknown>[]] } = {
  setDocument: [{ docId: 'd', version: 1, text: 'abc' }, [{ text: null }, { version: 1.5 }]],
  documentChunk: [{ docId: 'd', version: 1, offset: 0, text: 'abc' }, [{ offset: -1 }]],
  documentEnd: [{ docId: 'd', version: 1, length: 3 }, [{ length: -3 }]],
  editDocument: [
    { docId: 'd', version: 2, edits: [{ offset: 0, deleteCount: 1, text: 'x' }] },
    [{ edits: [{ offset: -1, deleteCount: 0, text: '' }] }, { edits: [{ offset: 0, deleteCount: 0 }] }],
  ],
  disposeDocument: [{ docId: 'd' }, [{ docId: 1 }]],
  train: [
    { docId: 'd', model: { hiddenSize: 32 }, training: { timeBudgetSec: 1 }, resume: false },
    [{ resume: 'no' }, { model: { cell: 'lstm2' } }, { training: { backend: 'webgl' } }, { faultAtStepForTesting: -1 }],
  ],
  stopTraining: [{ docId: 'd' }, [{ docId: [] }]],
};

describe('protocol/schemas', () => {
  for (const [method, [good, edits]] of Object.entries(CALL_CASES)) {
    it(`${method}: accepts a well-formed request, refuses malformed and out-of-range ones`, () => {
      const schema = TRAINER_CALLS[method as keyof typeof TRAINER_CALLS].params;
      ok(schema, good);
      for (const edit of edits) bad(schema, { ...(good as object), ...edit });
      bad(schema, null);
    });
  }

  for (const [method, [good, edits]] of Object.entries(NOTIFY_CASES)) {
    it(`${method}: accepts a well-formed notification, refuses malformed ones`, () => {
      const schema = TRAINER_NOTIFICATIONS[method as keyof typeof TRAINER_NOTIFICATIONS];
      ok(schema, good);
      for (const edit of edits) bad(schema, { ...(good as object), ...edit });
    });
  }

  it('checks the lengths of typed arrays in results', () => {
    const unitValues = TRAINER_CALLS.unitValues.result;
    const r = { version: 1, layer: 0, gate: 'c', unit: 0, offsets: new Uint32Array(3), values: new Float32Array(2) };
    ok(unitValues, r);
    bad(unitValues, { ...r, values: new Float32Array(3) });
    bad(unitValues, { ...r, values: [0, 0] });
    const prediction = TRAINER_CALLS.predict.result;
    const p = {
      version: 1,
      offset: 2,
      prediction: {
        top: [{ token: 'a', prob: 0.5 }],
        actual: null,
        hiddenSize: 2,
        layers: 1,
        contextTokens: ['x', 'y'],
        trace: [{ values: new Float32Array(2 * 6 * 2) }],
      },
    };
    ok(prediction, p);
    bad(prediction, { ...p, prediction: { ...p.prediction, trace: [{ values: new Float32Array(5) }] } });
    bad(prediction, { ...p, prediction: { ...p.prediction, layers: 2 } });
  });

  it('checks events', () => {
    ok(TRAINER_EVENTS.trainingStatus, { docId: 'd', status: 'done', message: null });
    bad(TRAINER_EVENTS.trainingStatus, { docId: 'd', status: 'finished', message: null });
    ok(TRAINER_EVENTS.log, { level: 'warn', message: 'x' });
    bad(TRAINER_EVENTS.log, { level: 'debug', message: 'x' });
    bad(TRAINER_EVENTS.trainingProgress, { docId: 'd', progress: { step: 1, loss: NaN } });
  });

  it('holds one set of intervention bounds: gates in [0, 1], c and h within ±10, 1..4096 steps', () => {
    ok(interventionSpec, { ...spec, value: 0 });
    ok(interventionSpec, { ...spec, target: 'h', value: -10 });
    bad(interventionSpec, { ...spec, target: 'o', value: -0.01 });
    bad(interventionSpec, { ...spec, target: 'h', value: 10.5 });
    bad(interventionSpec, { ...spec, steps: 4097 });
  });

  it('refuses, at compile time, a schema that does not produce exactly its type', () => {
    // @ts-expect-error a field of the type is missing from the schema
    schemaFor<{ a: number; b: string }>()(v.object({ a: v.number() }));
    // @ts-expect-error the schema's field is wider than the type's
    schemaFor<{ a: 'x' | 'y' }>()(v.object({ a: v.string() }));
    assert.ok(schemaFor<{ a: number }>()(v.object({ a: v.number() })));
  });
});
