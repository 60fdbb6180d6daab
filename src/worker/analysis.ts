// Worker handlers for the editor-insight calls (overlays, hovers, find-units, unit labels), served by
// trainerWorker.ts beside the others; they read the document's held-out fraction from the worker's
// document state (the overlays mark the held-out tail). Every failure throws: the channel answers it
// as the call's error, whose message the host shows.
//
// Cost: a request walks its range segment by segment (≤ W + S model steps per segment cold, S warm, 0 when
// the segment's rows are still in the TraceStore); between segments it yields to the event loop after
// ~8 ms of work, and re-checks that neither the document nor the model changed — if either did, the
// request fails as stale rather than mixing versions. labelUnits runs on a private engine over a frozen
// copy of the text, so it survives new snapshots and edits and answers for the state at its start; it fits the
// probes on states of the training text just before the tail and scores them on the tail (a few hundred ms of
// fitting at H = 128, plus one model step per training position walked), and the
// inspector runs its own engine over a frozen copy too, so neither ever blocks the extension host.
import type { Predictor } from '../model/inference';
import type { TextDoc } from '../model/textDoc';
import { findUnits } from '../model/insight/hypothesis';
import { labelUnits } from '../model/insight/labels';
import { inspect, targetValues } from '../model/insight/inspector';
import { probeValues, surprisal, unitValues } from '../model/insight/overlay';
import { heldOutStartOffset, heldOutStartToken, traceStoreOf } from '../model/insight/traces';
import { Transferring, type Handlers } from '../protocol/channel';
import type { insightCalls } from '../protocol/insight';
import { LIMITS } from '../shared/domain';
import { answering, Refusal } from './answering';

/** What the handlers read of a worker document (read live: the worker may replace doc or predictor). */
export interface AnalysisDoc {
  readonly doc: TextDoc;
  readonly predictor: Predictor | null;
  /** The held-out fraction of the last training run (the overlays mark the held-out tail). */
  readonly heldOutFraction: number;
}

/** Longest stretch of work between yields. */
const SLICE_MS = 8;

const tick = () => new Promise<void>((r) => setImmediate(r));

interface Ready {
  st: AnalysisDoc;
  predictor: Predictor;
  doc: TextDoc;
  /** Between segments: yield now and then; abort when the document or the model moved on. */
  between: () => Promise<void>;
}

/** The insight calls over the worker's documents. */
export function insightHandlers(
  state: (docId: string) => AnalysisDoc | undefined,
): Handlers<typeof insightCalls, Record<never, never>> {
  /** The document and its model, checked; `version` undefined: any version (labelUnits). */
  function ready(docId: string, version: number | undefined): Ready {
    const st = state(docId);
    if (!st) throw new Refusal('Unknown document');
    const predictor = st.predictor;
    if (!predictor) throw new Refusal('No model yet: train or import one first');
    const doc = st.doc;
    if (version !== undefined && version !== doc.version)
      throw new Refusal(`Stale request: document is at version ${doc.version}, request was for ${version}`);
    const revision = doc.revision;
    let lastYield = performance.now();
    const between = async () => {
      if (performance.now() - lastYield < SLICE_MS) return;
      await tick();
      lastYield = performance.now();
      const now = state(docId);
      if (!now || now.predictor !== predictor || now.doc !== doc || doc.revision !== revision)
        throw new Refusal('The document or the model changed while answering; ask again');
    };
    return { st, predictor, doc, between };
  }

  const tooLong = () => new Refusal(`Range too long: ask for at most ${LIMITS.insightRange.max}`);
  const pastEnd = (len: number) => new Refusal(`Range starts past the end of the document (${len})`);

  return {
    unitValues: (m) =>
      answering('unitValues', async () => {
        const { predictor, doc, between } = ready(m.docId, m.version);
        if (m.end - m.start > LIMITS.insightRange.max) throw tooLong();
        if (m.start > doc.text.length) throw pastEnd(doc.text.length);
        const r = await unitValues(traceStoreOf(predictor), doc, m.start, m.end, m.layer, m.gate, m.unit, between);
        return new Transferring(
          { version: m.version, layer: m.layer, gate: m.gate, unit: m.unit, offsets: r.offsets, values: r.values },
          [r.offsets.buffer as ArrayBuffer, r.values.buffer as ArrayBuffer],
        );
      }),
    surprisal: (m) =>
      answering('surprisal', async () => {
        const { st, predictor, doc, between } = ready(m.docId, m.version);
        if (m.end - m.start > LIMITS.insightRange.max) throw tooLong();
        if (m.start > doc.text.length) throw pastEnd(doc.text.length);
        const r = await surprisal(traceStoreOf(predictor), doc, m.start, m.end, between);
        return new Transferring(
          {
            version: m.version,
            offsets: r.offsets,
            bits: r.bits,
            heldOutStart: heldOutStartOffset(doc, st.heldOutFraction),
          },
          [r.offsets.buffer as ArrayBuffer, r.bits.buffer as ArrayBuffer],
        );
      }),
    alternatives: (m) =>
      answering('alternatives', async () => {
        const { st, predictor, doc } = ready(m.docId, m.version);
        const len = doc.text.length;
        if (m.offset > len) throw new Refusal(`Offset ${m.offset} is past the end of the document (${len})`);
        const pr = predictor.predict(doc, m.offset, Math.min(m.topK, LIMITS.topK.max), 0);
        const k = doc.tokensBefore(m.offset);
        return {
          version: m.version,
          offset: m.offset,
          tokenStart: doc.starts[k],
          tokenEnd: doc.starts[Math.min(k + 1, doc.tokenCount)],
          top: pr.top,
          actual: pr.actual,
          heldOut: k < doc.tokenCount && k >= heldOutStartToken(doc, st.heldOutFraction),
          heldOutStart: heldOutStartOffset(doc, st.heldOutFraction),
        };
      }),
    findUnits: (m) =>
      answering('findUnits', async () => {
        const { predictor, doc, between } = ready(m.docId, m.version);
        const len = doc.text.length;
        for (const s of m.selections)
          if (s.end > len) throw new Refusal(`Selection [${s.start}, ${s.end}) ends past the document (${len})`);
        const r = await findUnits(
          traceStoreOf(predictor),
          doc,
          m.selections,
          m.direction,
          m.gates ?? ['c', 'h'],
          Math.min(m.limit ?? 20, LIMITS.matches.max),
          between,
        );
        return {
          version: m.version,
          direction: m.direction,
          matches: r.matches,
          window: r.window,
          insideTokens: r.insideTokens,
          outsideTokens: r.outsideTokens,
          probe: r.probe && { auc: r.probe.score, units: r.probe.units },
        };
      }),
    labelUnits: (m) =>
      answering('labelUnits', async () => {
        const { st, predictor, doc } = ready(m.docId, undefined);
        const version = doc.version;
        let last = performance.now();
        const r = await labelUnits(predictor, doc, m.languageId, {
          heldOutFraction: st.heldOutFraction,
          probes: true,
          // A private engine and frozen tokens: only yield, never abort (the answer is for the start state).
          between: async () => {
            if (performance.now() - last < SLICE_MS) return;
            await tick();
            last = performance.now();
            if (!state(m.docId)) throw new Refusal('The document was closed');
          },
        });
        const fit = r.probes!;
        const probes = fit.probes.map((p) => ({
          feature: p.feature,
          metric: p.metric,
          score: p.score,
          units: p.units,
          weights: p.weights,
          bias: p.bias,
        }));
        return new Transferring(
          {
            version,
            family: r.family,
            heldOutStart: r.heldOutStart,
            tokens: r.last - r.first,
            features: r.features,
            labels: r.labels,
            probes,
            probeFit: { fitOn: r.probeFitOn, fitTokens: fit.fitRows, testTokens: fit.testRows, ms: fit.ms },
          },
          probes.map((p) => p.weights.buffer as ArrayBuffer),
        );
      }),
    inspect: (m) =>
      answering('inspect', async () => {
        const { predictor, doc } = ready(m.docId, undefined);
        const version = doc.version;
        let last = performance.now();
        // A private engine over a frozen copy of the tokens (see targetValues): only yield, never abort.
        const values = await targetValues(predictor, doc, m.target, m.probe ?? null, async () => {
          if (performance.now() - last < SLICE_MS) return;
          await tick();
          last = performance.now();
          if (!state(m.docId)) throw new Refusal('The document was closed');
        });
        if (doc.version !== version || doc.tokenCount < values.length)
          throw new Refusal('The document changed while inspecting; ask again');
        return { version, ...inspect(doc, m.target, values) };
      }),
    probeValues: (m) =>
      answering('probeValues', async () => {
        const { predictor, doc, between } = ready(m.docId, m.version);
        if (m.end - m.start > LIMITS.insightRange.max) throw tooLong();
        if (m.start > doc.text.length) throw pastEnd(doc.text.length);
        const r = await probeValues(traceStoreOf(predictor), doc, m.start, m.end, m, between);
        return new Transferring({ version: m.version, offsets: r.offsets, values: r.values }, [
          r.offsets.buffer as ArrayBuffer,
          r.values.buffer as ArrayBuffer,
        ]);
      }),
  };
}
