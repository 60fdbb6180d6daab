// The trainer worker: owns documents, models, training runs and cursor inference behind the message
// contract in shared/protocol.ts, off the extension-host thread. Training yields every ~10 ms, so
// predictions, edits and stop requests are answered while it runs.
import { parentPort } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';
import {
  assertNever,
  parseHostToWorker,
  type HostToWorker,
  type TrainingStatus,
  type WorkerToHost,
} from '../shared/protocol';
import type { Arena } from '../model/arena';
import { initBackend, type EngineBackend } from '../model/backend';
import { DEFAULT_TRAINING_CONFIG, resolveModelConfig, resolveTrainingConfig, type ModelConfig } from '../model/config';
import { Predictor } from '../model/inference';
import type { ModelWeights } from '../model/params';
import { loadModel, saveModel, textHash } from '../model/persist';
import { TextDoc } from '../model/textDoc';
import { Trainer } from '../model/trainer';
import { runTraining } from '../model/trainingRun';
import { Vocab } from '../model/vocab';
import { analysisHook } from './analysis';
import { disposeComparison, labHook, stopComparison } from './lab';

const port = parentPort;
if (!port) throw new Error('trainerWorker must run inside worker_threads');

interface DocState {
  doc: TextDoc;
  status: TrainingStatus;
  /** steps: optimisation steps behind the weights (0 for an imported model), so a resumed run counts on. */
  model: { weights: ModelWeights; vocab: Vocab; trainedOn: string | null; steps: number } | null;
  predictor: Predictor | null;
  run: { stop: boolean; done: Promise<void> } | null;
  /** The held-out fraction of the last training run (the insight overlays mark the held-out tail). */
  heldOutFraction: number;
}

const docs = new Map<string, DocState>();
/** Texts arriving in slices (documentChunk … documentEnd), by document: the version and the parts so far. */
const incoming = new Map<string, { version: number; parts: string[]; length: number }>();

function post(msg: WorkerToHost, transfer: TransferListItem[] = []): void {
  port!.postMessage(msg, transfer);
}

function log(level: 'info' | 'warn' | 'error', message: string): void {
  post({ type: 'log', level, message });
}

function status(docId: string, st: DocState, s: TrainingStatus, message: string | null): void {
  st.status = s;
  post({ type: 'trainingStatus', docId, status: s, message });
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

// Binaries sit beside this bundle (scripts/build.mjs copies them into dist/).
const backendReady: Promise<EngineBackend> = initBackend('wasm', { wasmDir: __dirname + '/', log });
/** Cursor inference runs on the wasm arena when it started (XNNPACK matvecs), else plain JS. */
let inferenceArena: Arena | undefined;
backendReady.then(
  (b) => {
    inferenceArena = b.arena;
    post({ type: 'ready', backend: b.name, detail: b.detail });
  },
  (e) => post({ type: 'ready', backend: 'none', detail: `no back-end: ${errText(e)}` }),
);

function setModel(st: DocState, weights: ModelWeights, vocab: Vocab, trainedOn: string | null, steps: number): void {
  st.model = { weights, vocab, trainedOn, steps };
  st.predictor?.dispose();
  st.predictor = Predictor.from(weights, vocab, undefined, inferenceArena);
}

async function stopRun(st: DocState): Promise<void> {
  if (!st.run) return;
  st.run.stop = true;
  await st.run.done;
}

async function train(m: Extract<HostToWorker, { type: 'train' }>, st: DocState): Promise<void> {
  await stopRun(st);
  let model: ModelConfig;
  let training;
  try {
    model = resolveModelConfig(m.model);
    training = resolveTrainingConfig(m.training);
  } catch (e) {
    status(m.docId, st, 'failed', `Bad configuration: ${errText(e)}`);
    return;
  }
  st.heldOutFraction = training.heldOutFraction;
  const backend = await initBackend(training.backend, { wasmDir: __dirname + '/', log });
  const text = st.doc.text;
  const resume = m.resume && st.model !== null && sameShape(st.model.weights.config, model);
  if (m.resume && !resume) log('info', 'resume requested but there is no compatible model; starting fresh');
  const vocab = resume ? st.model!.vocab : Vocab.fromSymbols(st.doc.syms, model.maxVocab);
  let trainer: Trainer;
  try {
    trainer = new Trainer({
      model,
      training,
      arena: backend.arena,
      ids: vocab.ids(st.doc.syms),
      vocabSize: vocab.size,
      initial: resume ? st.model!.weights.data : undefined,
      firstStep: resume ? st.model!.steps : 0,
      faultAtStep: m.faultAtStepForTesting,
    });
  } catch (e) {
    status(m.docId, st, 'failed', errText(e));
    return;
  }
  const run = { stop: false, done: Promise.resolve() };
  st.run = run;
  status(
    m.docId,
    st,
    'training',
    `${backend.name}: ${trainer.B} streams × ${trainer.T} steps${resume ? ', resumed' : ''}`,
  );
  run.done = (async () => {
    try {
      const res = await runTraining(
        trainer,
        { timeBudgetSec: training.timeBudgetSec, maxEpochs: training.maxEpochs },
        {
          onProgress: (progress) => post({ type: 'trainingProgress', docId: m.docId, progress }),
          onRecovered: (message) => status(m.docId, st, 'training', message),
          // A document disposed (or replaced) mid-run takes no snapshot: its predictor would never be freed.
          onSnapshot: (w) => (docs.get(m.docId) === st ? setModel(st, w, vocab, text, trainer.step) : undefined),
          shouldStop: () => run.stop || docs.get(m.docId) !== st,
        },
      );
      status(m.docId, st, res.status, res.message);
    } catch (e) {
      status(m.docId, st, 'failed', `Training failed: ${errText(e)}`);
    } finally {
      trainer.dispose();
      if (st.run === run) st.run = null;
    }
  })();
  await run.done;
}

function sameShape(a: ModelConfig, b: ModelConfig): boolean {
  return (
    a.hiddenSize === b.hiddenSize &&
    a.layers === b.layers &&
    a.embeddingSize === b.embeddingSize &&
    a.maxVocab === b.maxVocab &&
    (a.cell ?? 'lstm') === (b.cell ?? 'lstm')
  );
}

function handle(m: HostToWorker): void {
  // Editor-insight requests (overlays, hovers, find units, labels) are answered in ./analysis.ts.
  if (analysisHook(m, () => docs.get(m.docId), post)) return;
  // The long-term-dependency lab (sample, intervene, memory span, cell comparison) is answered in ./lab.ts.
  if (
    labHook(
      m,
      () => docs.get(m.docId),
      (msg, transfer) => port!.postMessage(msg, transfer ?? []),
    )
  )
    return;
  const st = docs.get(m.docId);
  switch (m.type) {
    case 'setDocument':
      return replaceText(m.docId, m.version, m.text);
    case 'documentChunk': {
      // Offset 0 starts a text (and drops a partial one: the host restarted the transfer).
      if (m.offset === 0) {
        incoming.set(m.docId, { version: m.version, parts: [m.text], length: m.text.length });
        return;
      }
      const part = incoming.get(m.docId);
      if (!part || part.version !== m.version || part.length !== m.offset) {
        incoming.delete(m.docId);
        return log('warn', `documentChunk out of order for ${m.docId} (offset ${m.offset}); dropped the transfer`);
      }
      part.parts.push(m.text);
      part.length += m.text.length;
      return;
    }
    case 'documentEnd': {
      const part = incoming.get(m.docId);
      incoming.delete(m.docId);
      if (!part || part.version !== m.version || part.length !== m.length)
        return log(
          'error',
          `incomplete document transfer for ${m.docId}: got ${part?.length ?? 0} of ${m.length} characters of version ${m.version}`,
        );
      return replaceText(m.docId, m.version, part.parts.join(''));
    }
    case 'editDocument': {
      if (!st) return log('warn', `editDocument for unknown document ${m.docId}`);
      try {
        const first = st.doc.applyEdits(m.edits, m.version);
        st.predictor?.invalidateFrom(first);
      } catch (e) {
        log('error', `edit refused for ${m.docId} (send setDocument to resync): ${errText(e)}`);
      }
      return;
    }
    case 'disposeDocument': {
      incoming.delete(m.docId);
      disposeComparison(m.docId);
      if (!st) return;
      docs.delete(m.docId);
      if (st.run) st.run.stop = true;
      st.predictor?.dispose();
      st.predictor = null;
      const arena = inferenceArena as (Arena & { heapBytes?: number }) | undefined;
      if (arena)
        log(
          'info',
          `closed ${m.docId}: ${arena.liveBuffers} engine buffers live` +
            (arena.heapBytes ? `, wasm heap ${(arena.heapBytes / 2 ** 20).toFixed(1)} MB` : ''),
        );
      return;
    }
    case 'train': {
      if (!st) return status(m.docId, newState(), 'failed', 'No document: send setDocument first');
      void train(m, st);
      return;
    }
    case 'stopTraining': {
      stopComparison(m.docId);
      if (!st) return;
      if (st.run) st.run.stop = true;
      else post({ type: 'trainingStatus', docId: m.docId, status: st.status, message: null });
      return;
    }
    case 'predict': {
      const fail = (message: string) =>
        post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message });
      if (!st) return fail('Unknown document');
      if (!st.predictor) return fail('No model yet: train or import one first');
      if (m.version !== st.doc.version)
        return fail(`Stale request: document is at version ${st.doc.version}, request was for ${m.version}`);
      if (m.offset > st.doc.length)
        return fail(`Offset ${m.offset} is past the end of the document (${st.doc.length})`);
      try {
        const prediction = st.predictor.predict(st.doc, m.offset, m.topK, m.context);
        post(
          {
            type: 'prediction',
            docId: m.docId,
            requestId: m.requestId,
            version: m.version,
            offset: m.offset,
            prediction,
          },
          prediction.trace.map((t) => t.values.buffer as ArrayBuffer),
        );
      } catch (e) {
        fail(`Prediction failed: ${errText(e)}`);
      }
      return;
    }
    case 'exportModel': {
      if (!st?.model)
        return post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message: 'No model to export' });
      const { weights, vocab, trainedOn } = st.model;
      const saved = saveModel(weights, vocab, trainedOn, { exportedAt: new Date().toISOString() });
      post(
        { type: 'modelExported', docId: m.docId, requestId: m.requestId, json: saved.json, weights: saved.weights },
        [saved.weights],
      );
      return;
    }
    case 'importModel': {
      if (!st)
        return post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message: 'Unknown document' });
      try {
        const loaded = loadModel(m.json, m.weights);
        void stopRun(st);
        setModel(st, loaded.weights, loaded.vocab, null, 0);
        post({ type: 'modelImported', docId: m.docId, requestId: m.requestId });
        const same = loaded.textHash === textHash(st.doc.text);
        status(
          m.docId,
          st,
          'done',
          same ? 'Imported model' : 'Imported model (trained on a different version of this text)',
        );
      } catch (e) {
        post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message: errText(e) });
      }
      return;
    }
    default:
      assertNever(m);
  }
}

/** A whole new text for a document (setDocument, or the last slice of a chunked transfer). */
function replaceText(docId: string, version: number, text: string): void {
  const doc = new TextDoc(text, version);
  const st = docs.get(docId);
  if (st) {
    st.doc = doc;
    st.predictor?.cache.clear();
  } else docs.set(docId, { ...newState(), doc });
}

function newState(): DocState {
  return {
    doc: new TextDoc('', 0),
    status: 'untrained',
    model: null,
    predictor: null,
    run: null,
    heldOutFraction: DEFAULT_TRAINING_CONFIG.heldOutFraction,
  };
}

port.on('message', (raw: unknown) => {
  const m = parseHostToWorker(raw);
  if (!m) return log('warn', `ignored a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}`);
  // Wait for the back-end only when compute is involved; keep message order per document otherwise.
  backendReady.then(
    () => {
      try {
        handle(m);
      } catch (e) {
        log('error', `${m.type} failed: ${errText(e)}`);
      }
    },
    () => handle(m),
  );
});
