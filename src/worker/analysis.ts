// Worker handlers for the editor-insight messages (overlays, hovers, find-units, unit labels).
// trainerWorker.ts calls analysisHook first; it answers the five insight requests, reading the document's
// held-out fraction from the worker's document state (the overlays mark the held-out tail). Every failure
// answers requestFailed.
//
// Cost: a request walks its range segment by segment (≤ W + S model steps per segment cold, S warm, 0 when
// the segment's rows are still in the TraceStore); between segments it yields to the event loop after
// ~8 ms of work, and re-checks that neither the document nor the model changed — if either did, the
// request fails as stale rather than mixing versions. labelUnits runs on a private engine over a frozen
// copy of the text, so it survives new snapshots and edits and answers for the state at its start.
import type { TransferListItem } from 'node:worker_threads';
import { assertNever, LIMITS, type HostToWorker, type UnitMatchesAnswer, type WorkerToHost } from '../shared/protocol';
import type { Predictor } from '../model/inference';
import type { TextDoc } from '../model/textDoc';
import { findUnits } from '../model/insight/hypothesis';
import { labelUnits } from '../model/insight/labels';
import { surprisal, unitValues } from '../model/insight/overlay';
import { heldOutStartOffset, heldOutStartToken, traceStoreOf } from '../model/insight/traces';

export type AnalysisRequest = Extract<
  HostToWorker,
  { type: 'unitValues' | 'surprisal' | 'alternatives' | 'findUnits' | 'labelUnits' }
>;

/** What the handlers read of a worker document (read live: the worker may replace doc or predictor). */
export interface AnalysisDoc {
  readonly doc: TextDoc;
  readonly predictor: Predictor | null;
  /** The held-out fraction of the last training run (the overlays mark the held-out tail). */
  readonly heldOutFraction: number;
}

type Post = (msg: WorkerToHost, transfer?: TransferListItem[]) => void;

const ANALYSIS_TYPES = new Set<string>(['unitValues', 'surprisal', 'alternatives', 'findUnits', 'labelUnits']);
/** Longest stretch of work between yields. */
const SLICE_MS = 8;

class Stale extends Error {}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Handles an insight request (true: it was one, and it is being answered); false for any other message. */
export function analysisHook(m: HostToWorker, state: () => AnalysisDoc | undefined, post: Post): m is AnalysisRequest {
  if (!ANALYSIS_TYPES.has(m.type)) return false;
  const req = m as AnalysisRequest;
  void answer(req, state, post);
  return true;
}

async function answer(m: AnalysisRequest, state: () => AnalysisDoc | undefined, post: Post): Promise<void> {
  const fail = (message: string) => post({ type: 'requestFailed', docId: m.docId, requestId: m.requestId, message });
  const st = state();
  if (!st) return fail('Unknown document');
  const predictor = st.predictor;
  if (!predictor) return fail('No model yet: train or import one first');
  const doc = st.doc;
  if (m.type !== 'labelUnits' && m.version !== doc.version)
    return fail(`Stale request: document is at version ${doc.version}, request was for ${m.version}`);
  const revision = doc.revision;
  let lastYield = performance.now();
  /** Between segments: yield now and then; abort when the document or the model moved on. */
  const between = async () => {
    if (performance.now() - lastYield < SLICE_MS) return;
    await tick();
    lastYield = performance.now();
    const now = state();
    if (!now || now.predictor !== predictor || now.doc !== doc || doc.revision !== revision)
      throw new Stale('The document or the model changed while answering; ask again');
  };
  const len = doc.text.length;
  try {
    switch (m.type) {
      case 'unitValues': {
        if (m.end - m.start > LIMITS.insightRange.max)
          return fail(`Range too long: ask for at most ${LIMITS.insightRange.max}`);
        if (m.start > len) return fail(`Range starts past the end of the document (${len})`);
        const r = await unitValues(traceStoreOf(predictor), doc, m.start, m.end, m.layer, m.gate, m.unit, between);
        post(
          {
            type: 'unitValues',
            docId: m.docId,
            requestId: m.requestId,
            version: m.version,
            layer: m.layer,
            gate: m.gate,
            unit: m.unit,
            offsets: r.offsets,
            values: r.values,
          },
          [r.offsets.buffer as ArrayBuffer, r.values.buffer as ArrayBuffer],
        );
        return;
      }
      case 'surprisal': {
        if (m.end - m.start > LIMITS.insightRange.max)
          return fail(`Range too long: ask for at most ${LIMITS.insightRange.max}`);
        if (m.start > len) return fail(`Range starts past the end of the document (${len})`);
        const r = await surprisal(traceStoreOf(predictor), doc, m.start, m.end, between);
        post(
          {
            type: 'surprisal',
            docId: m.docId,
            requestId: m.requestId,
            version: m.version,
            offsets: r.offsets,
            bits: r.bits,
            heldOutStart: heldOutStartOffset(doc, st.heldOutFraction),
          },
          [r.offsets.buffer as ArrayBuffer, r.bits.buffer as ArrayBuffer],
        );
        return;
      }
      case 'alternatives': {
        if (m.offset > len) return fail(`Offset ${m.offset} is past the end of the document (${len})`);
        const pr = predictor.predict(doc, m.offset, Math.min(m.topK, LIMITS.topK.max), 0);
        const k = doc.tokensBefore(m.offset);
        const heldOutStart = heldOutStartOffset(doc, st.heldOutFraction);
        post({
          type: 'alternatives',
          docId: m.docId,
          requestId: m.requestId,
          version: m.version,
          offset: m.offset,
          tokenStart: doc.starts[k],
          tokenEnd: doc.starts[Math.min(k + 1, doc.tokenCount)],
          top: pr.top,
          actual: pr.actual,
          heldOut: k < doc.tokenCount && k >= heldOutStartToken(doc, st.heldOutFraction),
          heldOutStart,
        });
        return;
      }
      case 'findUnits': {
        for (const s of m.selections)
          if (s.end > len) return fail(`Selection [${s.start}, ${s.end}) ends past the document (${len})`);
        const r = await findUnits(
          traceStoreOf(predictor),
          doc,
          m.selections,
          m.direction,
          m.gates ?? ['c', 'h'],
          Math.min(m.limit ?? 20, LIMITS.matches.max),
          between,
        );
        const answer: UnitMatchesAnswer = {
          type: 'unitMatches',
          docId: m.docId,
          requestId: m.requestId,
          version: m.version,
          direction: m.direction,
          matches: r.matches,
          window: r.window,
          insideTokens: r.insideTokens,
          outsideTokens: r.outsideTokens,
        };
        post(answer);
        return;
      }
      case 'labelUnits': {
        const version = doc.version;
        let last = performance.now();
        const r = await labelUnits(predictor, doc, m.languageId, {
          heldOutFraction: st.heldOutFraction,
          // A private engine and frozen tokens: only yield, never abort (the answer is for the start state).
          between: async () => {
            if (performance.now() - last < SLICE_MS) return;
            await tick();
            last = performance.now();
            if (!state()) throw new Stale('The document was closed');
          },
        });
        post({
          type: 'unitLabels',
          docId: m.docId,
          requestId: m.requestId,
          version,
          family: r.family,
          heldOutStart: r.heldOutStart,
          tokens: r.last - r.first,
          features: r.features,
          labels: r.labels,
        });
        return;
      }
      default:
        assertNever(m);
    }
  } catch (e) {
    fail(e instanceof Stale ? e.message : `${m.type} failed: ${errText(e)}`);
  }
}
