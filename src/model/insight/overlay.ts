// Overlay values for a UTF-16 range: one (layer, gate, unit) per token, or per-token surprisal in bits.
import type { GateName } from '../../shared/domain';
import type { TextDoc } from '../textDoc';
import {
  forEachSegment,
  forEachSegmentSync,
  gateRow,
  ROWS,
  tokenOffsets,
  tokenRange,
  type Checkpoint,
  type SegmentTrace,
  type TraceStore,
} from './traces';

export interface UnitValues {
  /** First token index (for tests). */
  first: number;
  offsets: Uint32Array;
  values: Float32Array;
}

export interface SurprisalValues {
  first: number;
  offsets: Uint32Array;
  bits: Float32Array;
}

/** The token range of [start, end), its value array and the segment visitor that fills it from the traces. */
function unitReader(
  store: TraceStore,
  doc: TextDoc,
  start: number,
  end: number,
  layer: number,
  gate: GateName,
  unit: number,
) {
  const { H, L } = store.predictor.w;
  if (layer < 0 || layer >= L) throw new Error(`layer ${layer} does not exist (the model has ${L})`);
  if (unit < 0 || unit >= H) throw new Error(`unit ${unit} does not exist (the model has ${H} per layer)`);
  const { first, last } = tokenRange(doc, start, end);
  const values = new Float32Array(last - first);
  const off = gateRow(gate) * H + unit;
  const visit = (t: SegmentTrace, from: number, to: number) => {
    const rows = t.rows[layer];
    for (let p = from; p < to; p++) values[p - first] = rows[(p - t.start) * ROWS * H + off];
  };
  const result = (): UnitValues => ({ first, offsets: tokenOffsets(doc, first, last), values });
  return { first, last, visit, result };
}

/** The value of (layer, gate, unit) after reading each token overlapping [start, end). */
export async function unitValues(
  store: TraceStore,
  doc: TextDoc,
  start: number,
  end: number,
  layer: number,
  gate: GateName,
  unit: number,
  between?: Checkpoint,
): Promise<UnitValues> {
  const r = unitReader(store, doc, start, end, layer, gate, unit);
  await forEachSegment(store, doc, r.first, r.last, r.visit, between);
  return r.result();
}

/** Synchronous unitValues (tests, CLI). */
export function unitValuesSync(
  store: TraceStore,
  doc: TextDoc,
  start: number,
  end: number,
  layer: number,
  gate: GateName,
  unit: number,
): UnitValues {
  const r = unitReader(store, doc, start, end, layer, gate, unit);
  forEachSegmentSync(store, doc, r.first, r.last, r.visit);
  return r.result();
}

/** −log2 p(token | text before it) for each token overlapping [start, end). */
export async function surprisal(
  store: TraceStore,
  doc: TextDoc,
  start: number,
  end: number,
  between?: Checkpoint,
): Promise<SurprisalValues> {
  const { first, last } = tokenRange(doc, start, end);
  const bits = new Float32Array(last - first);
  if (first === 0 && last > 0) bits[0] = firstTokenBits(store, doc);
  // Token k's surprisal comes from the state after token k − 1: segment ⌊(k−1)/S⌋'s bitsNext.
  await forEachSegment(
    store,
    doc,
    Math.max(0, first - 1),
    last - 1,
    (t, from, to) => {
      for (let p = from; p < to; p++) bits[p + 1 - first] = t.bitsNext[p - t.start];
    },
    between,
  );
  return { first, offsets: tokenOffsets(doc, first, last), bits };
}

/** Surprisal of the very first token (read from the zero state). */
function firstTokenBits(store: TraceStore, doc: TextDoc): number {
  const p = store.predictor;
  const probs = p.engine.probs(new Float32Array(p.cache.stateSize), new Float32Array(p.w.V));
  return -Math.log2(probs[p.vocab.id(doc.syms[0])]);
}

/** A probe's output bias + weights · (c, h of every layer) after each token overlapping [start, end). */
export async function probeValues(
  store: TraceStore,
  doc: TextDoc,
  start: number,
  end: number,
  probe: { weights: Float32Array; bias: number },
  between?: Checkpoint,
): Promise<UnitValues> {
  const { H, L } = store.predictor.w;
  if (probe.weights.length !== 2 * L * H)
    throw new Error(`the probe has ${probe.weights.length} weights; this model has ${2 * L * H} state units`);
  const { first, last } = tokenRange(doc, start, end);
  const values = new Float32Array(last - first);
  const w = probe.weights;
  await forEachSegment(
    store,
    doc,
    first,
    last,
    (t, from, to) => {
      for (let p = from; p < to; p++) {
        let s = probe.bias;
        for (let l = 0; l < L; l++) {
          const rows = t.rows[l];
          const base = (p - t.start) * ROWS * H + 4 * H; // c then h
          for (let u = 0; u < 2 * H; u++) s += w[l * 2 * H + u] * rows[base + u];
        }
        values[p - first] = s;
      }
    },
    between,
  );
  return { first, offsets: tokenOffsets(doc, first, last), values };
}
