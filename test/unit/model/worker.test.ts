// Worker round trip through the real bundle (dist/worker.js): train briefly, predict while training,
// stop promptly, export → import → same prediction, and malformed input answered, not crashed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateCorpus } from '../../../src/cli/corpus';
import { parseWorkerMessage, type HostToWorker, type WorkerToHost } from '../../../src/shared/protocol';

const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

class Client {
  readonly w = new Worker(WORKER);
  private readonly seen: WorkerToHost[] = [];
  private waiters: { pred: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];

  constructor() {
    this.w.on('message', (raw) => {
      const m = parseWorkerMessage(raw);
      assert.ok(m, `worker sent a message the host cannot parse: ${JSON.stringify(raw)}`);
      this.seen.push(m);
      this.waiters = this.waiters.filter((x) => (x.pred(m) ? (x.resolve(m), false) : true));
    });
  }

  send(m: HostToWorker, transfer: ArrayBuffer[] = []): void {
    this.w.postMessage(m, transfer);
  }

  next<T extends WorkerToHost['type']>(
    type: T,
    pred: (m: Extract<WorkerToHost, { type: T }>) => boolean = () => true,
    ms = 20000,
  ) {
    return new Promise<Extract<WorkerToHost, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
      this.waiters.push({
        pred: (m) => m.type === type && pred(m as Extract<WorkerToHost, { type: T }>),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<WorkerToHost, { type: T }>);
        },
      });
    });
  }
}

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
  let c: Client;
  before(() => {
    c = new Client();
  });
  after(async () => {
    await c.w.terminate();
  });

  it('starts, trains, answers predictions while training, and stops on request', async () => {
    const ready = await c.next('ready');
    console.log(`      ready: ${ready.backend} — ${ready.detail}`);
    const text = generateCorpus(30000, 4);
    c.send({ type: 'setDocument', docId: 'd', version: 1, text });
    c.send({ type: 'predict', docId: 'd', requestId: 1, version: 1, offset: 10, topK: 3, context: 8 });
    const early = await c.next('requestFailed');
    assert.match(early.message, /No model/);
    const training = c.next('trainingStatus', (m) => m.status === 'training');
    c.send({
      type: 'train',
      docId: 'd',
      model: TRAIN_MODEL,
      training: TRAIN_CONFIG,
      resume: false,
    });
    await training;
    const progress = await c.next('trainingProgress', (m) => m.progress.heldOutBpc !== null && m.progress.step > 5);
    await c.next('trainingProgress', (m) => m.progress.elapsedSec > 2.5); // a weight snapshot exists by now
    const t0 = performance.now();
    c.send({ type: 'predict', docId: 'd', requestId: 2, version: 1, offset: 5000, topK: 5, context: 16 });
    const pred = await c.next('prediction', (m) => m.requestId === 2);
    const latency = performance.now() - t0;
    assert.equal(pred.prediction.top.length, 5);
    assert.equal(pred.prediction.trace[0].values.length, pred.prediction.contextTokens.length * 6 * 32);
    const stopT0 = performance.now();
    c.send({ type: 'stopTraining', docId: 'd' });
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
    c.send({ type: 'train', docId: 'd', model: TRAIN_MODEL, training: TRAIN_CONFIG, resume: true });
    const first = await resumed;
    assert.ok(first.progress.step > progress.progress.step, `resumed at step ${first.progress.step}`);
    c.send({ type: 'stopTraining', docId: 'd' });
    await c.next('trainingStatus', (m) => m.status === 'stopped');
  });

  it('edits, exports and imports a model with identical predictions, and refuses a corrupted one', async () => {
    c.send({ type: 'editDocument', docId: 'd', version: 2, edits: [{ offset: 3, deleteCount: 2, text: '😀\r\n' }] });
    const ask = (docId: string, requestId: number, version: number) => {
      c.send({ type: 'predict', docId, requestId, version, offset: 7, topK: 4, context: 6 });
      return c.next('prediction', (m) => m.requestId === requestId);
    };
    const a = await ask('d', 3, 2);
    c.send({ type: 'exportModel', docId: 'd', requestId: 4 });
    const exported = await c.next('modelExported', (m) => m.requestId === 4);
    const text = generateCorpus(30000, 4);
    c.send({ type: 'setDocument', docId: 'e', version: 1, text: text.slice(0, 3) + '😀\r\n' + text.slice(5) });
    const bad = exported.weights.slice(0);
    new Uint8Array(bad)[40] ^= 1;
    c.send({ type: 'importModel', docId: 'e', requestId: 5, json: exported.json, weights: bad }, [bad]);
    const refused = await c.next('requestFailed', (m) => m.requestId === 5);
    assert.match(refused.message, /Refusing model file/);
    c.send({ type: 'importModel', docId: 'e', requestId: 6, json: exported.json, weights: exported.weights }, [
      exported.weights,
    ]);
    await c.next('modelImported', (m) => m.requestId === 6);
    const b = await ask('e', 7, 1);
    assert.deepEqual(b.prediction, a.prediction);
    // The same text in slices (as the host sends a large one), the emoji's surrogate pair split between two.
    const same = text.slice(0, 3) + '😀\r\n' + text.slice(5);
    const cuts = [0, 4, 12_000, same.length];
    for (let k = 0; k + 1 < cuts.length; k++)
      c.send({
        type: 'documentChunk',
        docId: 'f',
        version: 1,
        offset: cuts[k],
        text: same.slice(cuts[k], cuts[k + 1]),
      });
    c.send({ type: 'documentEnd', docId: 'f', version: 1, length: same.length });
    c.send({ type: 'exportModel', docId: 'd', requestId: 8 });
    const copy = await c.next('modelExported', (m) => m.requestId === 8);
    c.send({ type: 'importModel', docId: 'f', requestId: 9, json: copy.json, weights: copy.weights }, [copy.weights]);
    await c.next('modelImported', (m) => m.requestId === 9);
    assert.deepEqual((await ask('f', 10, 1)).prediction, a.prediction, 'the sliced text is the same text');
    // A slice out of order drops the transfer, and its end is refused, loudly.
    c.send({ type: 'documentChunk', docId: 'g', version: 1, offset: 0, text: 'abc' });
    c.send({ type: 'documentChunk', docId: 'g', version: 1, offset: 5, text: 'def' });
    const dropped = await c.next('log', (m) => m.level === 'warn' && m.message.includes('out of order'));
    assert.match(dropped.message, /\bg\b/);
    c.send({ type: 'documentEnd', docId: 'g', version: 1, length: 6 });
    assert.match((await c.next('log', (m) => m.level === 'error')).message, /incomplete document transfer for g/);
    c.send({ type: 'nonsense' } as unknown as HostToWorker);
    const warn = await c.next('log', (m) => m.level === 'warn');
    assert.match(warn.message, /malformed/);
  });
});

describe('model/worker: no leak when a document is disposed while training', function () {
  this.timeout(60000);
  let c: Client;
  before(() => {
    c = new Client();
  });
  after(async () => {
    await c.w.terminate();
  });

  /** Engine buffers still allocated, as the worker reports them when a document is closed. */
  async function liveBuffers(docId: string): Promise<number> {
    const closed = c.next('log', (m) => m.message.startsWith(`closed ${docId}:`));
    c.send({ type: 'setDocument', docId, version: 1, text: 'a tiny document' });
    c.send({ type: 'disposeDocument', docId });
    const msg = (await closed).message;
    console.log(`      ${msg}`);
    return Number(/: (\d+) engine buffers live/.exec(msg)![1]);
  }

  const train = (docId: string): HostToWorker => ({
    type: 'train',
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
    c.send({ type: 'setDocument', docId: 'x', version: 1, text });
    c.send(train('x'));
    await c.next('trainingProgress', (m) => m.docId === 'x' && m.progress.elapsedSec > 2.5);
    const stoppedX = c.next('trainingStatus', (m) => m.docId === 'x' && m.status === 'stopped');
    c.send({ type: 'disposeDocument', docId: 'x' });
    await stoppedX;
    // Closed while the run is still starting.
    c.send({ type: 'setDocument', docId: 'y', version: 1, text });
    const stoppedY = c.next(
      'trainingStatus',
      (m) => m.docId === 'y' && (m.status === 'stopped' || m.status === 'done'),
    );
    c.send(train('y'));
    c.send({ type: 'disposeDocument', docId: 'y' });
    await stoppedY;
    const after = await liveBuffers('probe1');
    assert.equal(after, before, `engine buffers ${before} → ${after}: a disposed document's snapshot leaked`);
  });
});
