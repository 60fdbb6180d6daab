// Worker handlers for the long-term-dependency lab: sampling, interventions, memory span, the
// cell comparison and the long-range probe, served by trainerWorker.ts beside the others; stopComparison /
// disposeComparison are told when a document's training stops or the document goes. Every failure throws:
// the channel answers it as the call's error.
//
// Cost: sample / intervene run ≤ 4096 readable single steps (≈0.2 ms each at H=128) after one cursor-state
// query; memorySpan one float64 forward + backward over ≤ 128 tokens (tens of ms). compareCells trains on
// private Trainers (their own buffers) in slices of ~10 ms, like the document's own training; the recall
// experiment trains its own small models one step at a time (tens of ms at H = 32), yielding between steps.
import { canClamp } from '../model/cells/cell';
import { backend, platform } from './platform';
import { cellOf } from '../model/config';
import type { Predictor } from '../model/inference';
import type { ModelWeights } from '../model/params';
import type { TextDoc } from '../model/textDoc';
import type { Vocab } from '../model/vocab';
import { generate } from '../model/lab/generate';
import { memorySpan } from '../model/lab/memorySpan';
import { CompareSession } from '../model/lab/compare';
import { runRecall } from '../model/lab/recall';
import { Transferring, type Handlers } from '../protocol/channel';
import type { CompareProgressEvent, CursorParams, labCalls, RecallProgressEvent } from '../protocol/lab';
import { LIMITS } from '../shared/domain';
import { answering, Refusal } from './answering';
import { startOnEveryCore } from './trainers';

/** What the lab reads of a worker document (read live: the worker may replace doc, model or predictor). */
export interface LabDoc {
  readonly doc: TextDoc;
  readonly predictor: Predictor | null;
  readonly model: { weights: ModelWeights; vocab: Vocab } | null;
}

/** Cell comparisons per document: the running one (cancellable) and the last finished models (for the probe). */
const sessions = new Map<string, CompareSession>();

/** Running recall experiments per document: set to true to cancel one. */
const recalls = new Map<string, { stop: boolean }>();

/** The document's training was told to stop: so are its running cell comparison and recall experiment. */
export function stopComparison(docId: string): void {
  sessions.get(docId)?.stop();
  const r = recalls.get(docId);
  if (r) r.stop = true;
}

/** The document is gone: its comparison stops and its compared models are freed. */
export function disposeComparison(docId: string): void {
  sessions.get(docId)?.dispose();
  sessions.delete(docId);
  stopComparison(docId);
}

/** The lab calls over the worker's documents; comparison progress goes out through `progress`. */
export function labHandlers(
  state: (docId: string) => LabDoc | undefined,
  progress: (p: CompareProgressEvent) => void,
  recallProgress: (p: RecallProgressEvent) => void = () => {},
): Handlers<typeof labCalls, Record<never, never>> {
  /** Runs one answer on a known document (see answering.ts for how it fails). */
  async function onDocument<R>(method: string, docId: string, work: (st: LabDoc) => Promise<R> | R): Promise<R> {
    const st = state(docId);
    if (!st) throw new Error('Unknown document');
    return answering(method, () => work(st));
  }

  /** The model and the tokens before the cursor, checked. */
  function atCursor(st: LabDoc, m: CursorParams) {
    const { predictor, model, doc } = st;
    if (!predictor || !model) throw new Refusal('No model yet: train or import one first');
    if (m.version !== doc.version)
      throw new Refusal(`Stale request: document is at version ${doc.version}, request was for ${m.version}`);
    if (m.offset > doc.length) throw new Refusal(`Offset ${m.offset} is past the end of the document (${doc.length})`);
    return { predictor, model, doc, n: doc.tokensBefore(m.offset) };
  }

  /** The recurrent state just before the cursor's last token, and that token (null at the start). */
  function before(predictor: Predictor, doc: TextDoc, n: number) {
    const state = predictor.stateAfterTokens(doc, Math.max(0, n - 1));
    const last = n > 0 ? predictor.vocab.id(doc.syms[n - 1]) : null;
    return { state, last };
  }

  return {
    sample: (m) =>
      onDocument('sample', m.docId, (st) => {
        const { predictor, doc, n } = atCursor(st, m);
        const b = before(predictor, doc, n);
        const opts = { length: m.length, temperature: m.temperature, seed: m.seed };
        const g = generate(predictor.w, predictor.vocab, b.state, b.last, { ...opts, topK: 1 });
        return { version: m.version, offset: m.offset, text: g.text };
      }),
    intervene: (m) =>
      onDocument('intervene', m.docId, (st) => {
        const { predictor, doc, n } = atCursor(st, m);
        const b = before(predictor, doc, n);
        const vocab = predictor.vocab;
        const opts = { length: m.length, temperature: m.temperature, seed: m.seed };
        const w = predictor.w;
        if (m.layer >= w.L) throw new Refusal(`Layer ${m.layer} does not exist (the model has ${w.L})`);
        if (m.unit !== null && m.unit >= w.H) throw new Refusal(`Unit ${m.unit} does not exist (the layer has ${w.H})`);
        if (!canClamp(w.cell, m.target)) throw new Refusal(`The ${w.cell} cell has no '${m.target}' to clamp`);
        const topK = Math.min(m.topK, 100);
        const baseline = generate(w, vocab, b.state, b.last, { ...opts, topK });
        const clamp = { layer: m.layer, unit: m.unit, target: m.target, value: m.value };
        const clamped = generate(w, vocab, b.state, b.last, { ...opts, topK, clamp, clampSteps: m.steps });
        return {
          version: m.version,
          offset: m.offset,
          layer: m.layer,
          unit: m.unit,
          target: m.target,
          value: m.value,
          steps: m.steps,
          baseline: { top: baseline.top, text: baseline.text },
          clamped: { top: clamped.top, text: clamped.text },
        };
      }),
    memorySpan: (m) =>
      onDocument('memorySpan', m.docId, (st) => {
        const { predictor, model, doc, n } = atCursor(st, m);
        const T = Math.min(m.window, LIMITS.memoryWindow.max, n);
        if (T < 1) throw new Refusal('Nothing before the cursor to measure');
        const start = predictor.stateAfterTokens(doc, n - T);
        const r = memorySpan(model.weights, predictor.vocab, doc, n, T, start);
        return new Transferring(
          {
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
      }),
    compareCells: (m) =>
      onDocument('compareCells', m.docId, async (st) => {
        if (sessions.get(m.docId)?.running) throw new Refusal('A cell comparison is already running for this document');
        sessions.get(m.docId)?.dispose();
        const engine = await backend('wasm');
        // Each cell on every core, like the document's training (which a comparison pauses).
        const session = new CompareSession(engine.arena, (init) => startOnEveryCore(init), platform().host.waiting);
        sessions.set(m.docId, session);
        const until = m.steps ? ('steps' as const) : ('plateau' as const);
        const res = await session.run(st.doc, { ...m, until }, (p) => progress({ docId: m.docId, ...p }));
        if (sessions.get(m.docId) !== session) throw new Refusal('The document was closed');
        return { status: res.status, results: res.results };
      }),
    recallExperiment: (m) =>
      onDocument('recallExperiment', m.docId, async (st) => {
        if (recalls.has(m.docId)) throw new Refusal('A recall experiment is already running for this document');
        const run = { stop: false };
        recalls.set(m.docId, run);
        try {
          const engine = await backend('wasm');
          const o = { steps: m.steps, match: m.match, hiddenSize: m.hiddenSize, seed: m.seed };
          return await runRecall(st.doc.syms, o, engine.arena, {
            onProgress: (p) => recallProgress({ docId: m.docId, ...p }),
            shouldStop: () => run.stop,
          });
        } finally {
          recalls.delete(m.docId);
        }
      }),
    longRangeProbe: (m) =>
      onDocument('longRangeProbe', m.docId, async () => {
        const session = sessions.get(m.docId);
        if (!session || session.running || session.models.length === 0)
          throw new Refusal('No compared cells yet: run compareCells first');
        const r = await session.probe();
        return { heldOutStart: r.heldOutStart, buckets: r.buckets, verdict: r.verdict };
      }),
  };
}
