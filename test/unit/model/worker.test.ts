// Worker round trip through the real bundle (dist/worker.js): train briefly, predict while training,
// stop promptly, export → import → same prediction, and malformed input answered, not crashed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateCorpus } from '../../../src/cli/corpus';
import type { TrainParams } from '../../../src/protocol/training';
import { failure, WorkerClient } from '../workerChannel';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

const TRAIN_MODEL = { hiddenSize: 32, layers: 1, embeddingSize: 16, maxVocab: 80 };
const TRAIN_CONFIG = {
  seqLength: 32,
  batchSize: 16,
  learningRate: 5e-3,
  clipNorm: 5,
  timeBudgetSec: 60,
  maxEpochs: 0,
  heldOutFraction: 0.1,
  seed: 1,
  backend: 'wasm' as const,
};

describe('model/worker (dist/worker.js)', function () {
  this.timeout(60000);
  let c: WorkerClient;
  before(() => {
    c = new WorkerClient(WORKER);
  });
  after(async () => {
    await c.close();
  });

  it('starts, trains, answers predictions while training, and stops on request', async () => {
    const ready = await c.next('ready');
    console.log(`      ready: ${ready.backend} — ${ready.detail}`);
    const text = generateCorpus(30000, 4);
    c.notify('setDocument', { docId: 'd', version: 1, text });
    const early = await failure(c.call('predict', { docId: 'd', version: 1, offset: 10, topK: 3, context: 8 }));
    assert.match(early.message, /No model/);
    const training = c.next('trainingStatus', (m) => m.status === 'training');
    c.notify('train', {
      docId: 'd',
      model: TRAIN_MODEL,
      training: TRAIN_CONFIG,
      resume: false,
    });
    await training;
    const progress = await c.next('trainingProgress', (m) => m.progress.heldOutBpc !== null && m.progress.step > 5);
    await c.next('trainingProgress', (m) => m.progress.elapsedSec > 2.5); // a weight snapshot exists by now
    const t0 = performance.now();
    const pred = await c.call('predict', { docId: 'd', version: 1, offset: 5000, topK: 5, context: 16 });
    const latency = performance.now() - t0;
    assert.equal(pred.prediction.top.length, 5);
    assert.equal(pred.prediction.trace[0].values.length, pred.prediction.contextTokens.length * 6 * 32);
    const stopT0 = performance.now();
    c.notify('stopTraining', { docId: 'd' });
    const stopped = await c.next('trainingStatus', (m) => m.status === 'stopped');
    const stopMs = performance.now() - stopT0;
    console.log(
      `      step ${progress.progress.step}: bpc ${progress.progress.heldOutBpc?.toFixed(2)}, ${Math.round(progress.progress.charsPerSec)} chars/s; ` +
        `predict during training ${latency.toFixed(1)} ms; stop ${stopMs.toFixed(1)} ms (${stopped.message})`,
    );
    // The 200 ms cancel target is measured and printed here and by `npm run bench`, never asserted:
    // wall-clock times on a shared machine are noise. What must hold is that it stops at all.
    assert.match(stopped.message ?? '', /stopped/i);
    // Continue training: the step count goes on from where the model stopped (the curve never goes back).
    const resumed = c.next('trainingProgress', () => true);
    c.notify('train', { docId: 'd', model: TRAIN_MODEL, training: TRAIN_CONFIG, resume: true });
    const first = await resumed;
    assert.ok(first.progress.step > progress.progress.step, `resumed at step ${first.progress.step}`);
    c.notify('stopTraining', { docId: 'd' });
    await c.next('trainingStatus', (m) => m.status === 'stopped');
  });

  it('edits, exports and imports a model with identical predictions, and refuses a corrupted one', async () => {
    c.notify('editDocument', { docId: 'd', version: 2, edits: [{ offset: 3, deleteCount: 2, text: '😀\r\n' }] });
    const ask = (docId: string, version: number) =>
      c.call('predict', { docId, version, offset: 7, topK: 4, context: 6 });
    const a = await ask('d', 2);
    const exported = await c.call('exportModel', { docId: 'd' });
    const text = generateCorpus(30000, 4);
    c.notify('setDocument', { docId: 'e', version: 1, text: text.slice(0, 3) + '😀\r\n' + text.slice(5) });
    const bad = exported.weights.slice(0);
    new Uint8Array(bad)[40] ^= 1;
    const refused = await failure(
      c.call('importModel', { docId: 'e', json: exported.json, weights: bad }, { transfer: [bad] }),
    );
    assert.match(refused.message, /Refusing model file/);
    await c.call(
      'importModel',
      { docId: 'e', json: exported.json, weights: exported.weights },
      { transfer: [exported.weights] },
    );
    const b = await ask('e', 1);
    assert.deepEqual(b.prediction, a.prediction);
    // The same text in slices (as the host sends a large one), the emoji's surrogate pair split between two.
    const same = text.slice(0, 3) + '😀\r\n' + text.slice(5);
    const cuts = [0, 4, 12_000, same.length];
    for (let k = 0; k + 1 < cuts.length; k++)
      c.notify('documentChunk', {
        docId: 'f',
        version: 1,
        offset: cuts[k],
        text: same.slice(cuts[k], cuts[k + 1]),
      });
    c.notify('documentEnd', { docId: 'f', version: 1, length: same.length });
    const copy = await c.call('exportModel', { docId: 'd' });
    await c.call('importModel', { docId: 'f', json: copy.json, weights: copy.weights }, { transfer: [copy.weights] });
    assert.deepEqual((await ask('f', 1)).prediction, a.prediction, 'the sliced text is the same text');
    // A slice out of order drops the transfer, and its end is refused, loudly.
    c.notify('documentChunk', { docId: 'g', version: 1, offset: 0, text: 'abc' });
    c.notify('documentChunk', { docId: 'g', version: 1, offset: 5, text: 'def' });
    const dropped = await c.next('log', (m) => m.level === 'warn' && m.message.includes('out of order'));
    assert.match(dropped.message, /\bg\b/);
    c.notify('documentEnd', { docId: 'g', version: 1, length: 6 });
    assert.match((await c.next('log', (m) => m.level === 'error')).message, /incomplete document transfer for g/);
    c.w.postMessage({ type: 'nonsense' });
    const warn = await c.next('log', (m) => m.level === 'warn');
    assert.match(warn.message, /malformed/);
  });
});

describe('model/worker: no leak when a document is disposed while training', function () {
  this.timeout(60000);
  let c: WorkerClient;
  before(() => {
    c = new WorkerClient(WORKER);
  });
  after(async () => {
    await c.close();
  });

  /** Engine buffers still allocated, as the worker reports them when a document is closed. */
  async function liveBuffers(docId: string): Promise<number> {
    const closed = c.next('log', (m) => m.message.startsWith(`closed ${docId}:`));
    c.notify('setDocument', { docId, version: 1, text: 'a tiny document' });
    c.notify('disposeDocument', { docId });
    const msg = (await closed).message;
    console.log(`      ${msg}`);
    return Number(/: (\d+) engine buffers live/.exec(msg)![1]);
  }

  const train = (docId: string): TrainParams => ({
    docId,
    model: TRAIN_MODEL,
    training: TRAIN_CONFIG,
    resume: false,
  });

  it('frees the final weight snapshot of a run whose document was closed', async () => {
    await c.next('ready');
    const before = await liveBuffers('probe0');
    const text = generateCorpus(30000, 4);
    // Closed mid-run, after a weight snapshot (and so a predictor) exists.
    c.notify('setDocument', { docId: 'x', version: 1, text });
    c.notify('train', train('x'));
    await c.next('trainingProgress', (m) => m.docId === 'x' && m.progress.elapsedSec > 2.5);
    const stoppedX = c.next('trainingStatus', (m) => m.docId === 'x' && m.status === 'stopped');
    c.notify('disposeDocument', { docId: 'x' });
    await stoppedX;
    // Closed while the run is still starting.
    c.notify('setDocument', { docId: 'y', version: 1, text });
    const stoppedY = c.next(
      'trainingStatus',
      (m) => m.docId === 'y' && (m.status === 'stopped' || m.status === 'done'),
    );
    c.notify('train', train('y'));
    c.notify('disposeDocument', { docId: 'y' });
    await stoppedY;
    const after = await liveBuffers('probe1');
    assert.equal(after, before, `engine buffers ${before} → ${after}: a disposed document's snapshot leaked`);
  });
});
