// Worker handlers for the long-term-dependency lab: sampling, interventions, memory span, the
// cell comparison and the long-range probe. trainerWorker.ts calls labHook first; it answers the lab
// requests, and tells stopComparison / disposeComparison when a document's training stops or the document
// goes. Every failure answers requestFailed with the request's id.
//
// Cost: sample / intervene run ≤ 4096 readable single steps (≈0.2 ms each at H=128) after one cursor-state
// query; memorySpan one float64 forward + backward over ≤ 128 tokens (tens of ms). compareCells trains on
// private Trainers (their own buffers) in slices of ~10 ms, like the document's own training.
import type { TransferListItem } from 'node:worker_threads';
import {
  assertNever,
  LIMITS,
  type HostToWorker,
  type LabRequest,
  type LabWorkerToHost,
  type WorkerToHost,
} from '../shared/protocol';
import { canClamp } from '../model/cells/cell';
import { initBackend } from '../model/backend';
import { cellOf } from '../model/config';
import type { Predictor } from '../model/inference';
import type { ModelWeights } from '../model/params';
import type { TextDoc } from '../model/textDoc';
import type { Vocab } from '../model/vocab';
import { generate } from '../model/lab/generate';
import { memorySpan } from '../model/lab/memorySpan';
import { CompareSession } from '../model/lab/compare';

/** What the lab reads of a worker document (read live: the worker may replace doc, model or predictor). */
export interface LabDoc {
  readonly doc: TextDoc;
  readonly predictor: Predictor | null;
  readonly model: { weights: ModelWeights; vocab: Vocab } | null;
}

export type LabPost = (msg: WorkerToHost | LabWorkerToHost, transfer?: TransferListItem[]) => void;

const LAB_TYPES = new Set<string>(['sample', 'intervene', 'memorySpan', 'compareCells', 'longRangeProbe']);

/** Cell comparisons per document: the running one (cancellable) and the last finished models (for the probe). */
const sessions = new Map<string, CompareSession>();

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Answers a lab request (true); false for any other message. */
export function labHook(m: HostToWorker, state: () => LabDoc | undefined, post: LabPost): m is LabRequest {
  if (!LAB_TYPES.has(m.type)) return false;
  void answer(m as LabRequest, state, post);
  return true;
}

/** The document's training was told to stop: so is its running cell comparison. */
export function stopComparison(docId: string): void {
  sessions.get(docId)?.stop();
}

/** The document is gone: its comparison stops and its compared models are freed. */
export function disposeComparison(docId: string): void {
  sessions.get(docId)?.dispose();
  sessions.delete(docId);
}

async function answer(m: LabRequest, state: () => LabDoc | undefined, post: LabPost): Promise<void> {
  const fail = (message: string) => post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message });
  const st = state();
  if (!st) return fail('Unknown document');
  try {
    switch (m.type) {
      case 'sample':
      case 'intervene':
      case 'memorySpan': {
        const { predictor, model, doc } = st;
        if (!predictor || !model) return fail('No model yet: train or import one first');
        if (m.version !== doc.version)
          return fail(`Stale request: document is at version ${doc.version}, request was for ${m.version}`);
        if (m.offset > doc.length) return fail(`Offset ${m.offset} is past the end of the document (${doc.length})`);
        const n = doc.tokensBefore(m.offset);
        const vocab = predictor.vocab;
        if (m.type === 'memorySpan') {
          const T = Math.min(m.window, LIMITS.memoryWindow.max, n);
          if (T < 1) return fail('Nothing before the cursor to measure');
          const start = predictor.stateAfterTokens(doc, n - T);
          const r = memorySpan(model.weights, vocab, doc, n, T, start);
          post(
            {
              type: 'memorySpan',
              docId: m.docId,
              requestId: m.requestId,
              version: m.version,
              offset: m.offset,
              cell: cellOf(model.weights.config),
              hiddenSize: model.weights.config.hiddenSize,
              offsets: r.offsets,
              forgetProduct: r.forgetProduct,
              forgetProductUnits: r.forgetProductUnits,
              gradNorm: r.gradNorm,
              target: r.target,
            },
            [r.offsets.buffer, r.forgetProduct.buffer, r.forgetProductUnits.buffer, r.gradNorm.buffer] as ArrayBuffer[],
          );
          return;
        }
        const before = predictor.stateAfterTokens(doc, Math.max(0, n - 1));
        const last = n > 0 ? vocab.id(doc.syms[n - 1]) : null;
        const opts = { length: m.length, temperature: m.temperature, seed: m.seed };
        if (m.type === 'sample') {
          const g = generate(predictor.w, vocab, before, last, { ...opts, topK: 1 });
          post({
            type: 'sampled',
            docId: m.docId,
            requestId: m.requestId,
            version: m.version,
            offset: m.offset,
            text: g.text,
          });
          return;
        }
        const w = predictor.w;
        if (m.layer >= w.L) return fail(`Layer ${m.layer} does not exist (the model has ${w.L})`);
        if (m.unit !== null && m.unit >= w.H) return fail(`Unit ${m.unit} does not exist (the layer has ${w.H})`);
        if (!canClamp(w.cell, m.target)) return fail(`The ${w.cell} cell has no '${m.target}' to clamp`);
        const topK = Math.min(m.topK, 100);
        const baseline = generate(w, vocab, before, last, { ...opts, topK });
        const clamp = { layer: m.layer, unit: m.unit, target: m.target, value: m.value };
        const clamped = generate(w, vocab, before, last, { ...opts, topK, clamp, clampSteps: m.steps });
        post({
          type: 'intervention',
          docId: m.docId,
          requestId: m.requestId,
          version: m.version,
          offset: m.offset,
          layer: m.layer,
          unit: m.unit,
          target: m.target,
          value: m.value,
          steps: m.steps,
          baseline: { top: baseline.top, text: baseline.text },
          clamped: { top: clamped.top, text: clamped.text },
        });
        return;
      }
      case 'compareCells': {
        if (sessions.get(m.docId)?.running) return fail('A cell comparison is already running for this document');
        sessions.get(m.docId)?.dispose();
        const backend = await initBackend('wasm', { wasmDir: __dirname + '/' });
        const session = new CompareSession(backend.arena);
        sessions.set(m.docId, session);
        const res = await session.run(st.doc, m, (p) =>
          post({ type: 'compareProgress', docId: m.docId, requestId: m.requestId, ...p }),
        );
        if (sessions.get(m.docId) !== session) return fail('The document was closed');
        post({ type: 'compareDone', docId: m.docId, requestId: m.requestId, status: res.status, results: res.results });
        return;
      }
      case 'longRangeProbe': {
        const session = sessions.get(m.docId);
        if (!session || session.running || session.models.length === 0)
          return fail('No compared cells yet: run compareCells first');
        const r = await session.probe();
        post({ type: 'longRange', docId: m.docId, requestId: m.requestId, ...r });
        return;
      }
      default:
        assertNever(m);
    }
  } catch (e) {
    fail(`${m.type} failed: ${errText(e)}`);
  }
}
