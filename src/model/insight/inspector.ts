// The unit inspector: where across the document one unit (or a probe's output) is highest and lowest, each as
// a short snippet with the value after every character, and the histogram of all its values. This is what a
// person reads to decide what a unit means (LSTMVis's match view, neuron viewers).
//
// Values use continuous history — one run from a zero state at the document's start, state carried through,
// as the model reads text in training and as the labels and probes measure it — so a unit that tracks a long
// string shows it. The run is one model step per token, yielding between slices when `between` is given.
import type { InspectorSnippet, InspectTarget, UnitInspection } from '../../shared/domain';
import { LIMITS } from '../../shared/domain';
import type { Predictor } from '../inference';
import { stateSize } from '../lstm';
import { StepEngine } from '../stepEngine';
import type { TextDoc } from '../textDoc';
import { probeOutput, type Probe } from './probes';
import { gateRow, ROWS, type Checkpoint } from './traces';

export const INSPECTOR_CONFIG = {
  /** Contexts at each end. */
  contexts: 10,
  /** Tokens shown before and after the ranked one (a snippet reads as a phrase, not a line). */
  before: 24,
  after: 8,
  /** Tokens between two listed contexts at least: the snippet's width, so no two snippets overlap. */
  gap: 33,
  /** Histogram bins. */
  bins: 40,
} as const;

/** The value of a target after every token [0, n) of the document (n capped at LIMITS.inspectorTokens). */
export async function targetValues(
  predictor: Predictor,
  doc: TextDoc,
  target: InspectTarget,
  probe: Pick<Probe, 'weights' | 'bias'> | null,
  between?: Checkpoint,
): Promise<Float32Array> {
  const { H, L } = predictor.w;
  if (target.kind === 'unit') {
    if (target.layer < 0 || target.layer >= L) throw new Error(`layer ${target.layer} does not exist`);
    if (target.unit < 0 || target.unit >= H) throw new Error(`unit ${target.unit} does not exist`);
  } else if (!probe || probe.weights.length !== 2 * L * H) throw new Error('no probe fitted for that feature');
  const n = Math.min(doc.tokenCount, LIMITS.inspectorTokens.max);
  const syms = doc.syms.slice(0, n);
  const out = new Float32Array(n);
  const engine = new StepEngine(predictor.w, predictor.arena);
  const state = new Float32Array(stateSize(predictor.w));
  const rows = Array.from({ length: L }, () => new Float32Array(ROWS * H));
  const ch = new Float32Array(2 * L * H);
  const off = target.kind === 'unit' ? gateRow(target.gate) * H + target.unit : 0;
  try {
    for (let t = 0; t < n; t++) {
      engine.step(state, predictor.vocab.id(syms[t]), rows, 0);
      if (target.kind === 'unit') out[t] = rows[target.layer][off];
      else {
        for (let l = 0; l < L; l++) ch.set(rows[l].subarray(4 * H, 6 * H), l * 2 * H);
        out[t] = probeOutput(probe!, ch);
      }
      if ((t & 255) === 255 && between) await between();
    }
  } finally {
    engine.dispose();
  }
  return out;
}

/**
 * The k largest (or, `low`, smallest) values' positions, best first, each at least `gap` tokens from every one
 * picked before it (so ten contexts are ten places, not ten characters of one string); ties go to the earlier
 * position, NaN is skipped.
 */
export function extremes(values: ArrayLike<number>, k: number, low = false, gap = 0): number[] {
  const order: number[] = [];
  for (let p = 0; p < values.length; p++) if (values[p] === values[p]) order.push(p);
  order.sort((a, b) => (low ? values[a] - values[b] : values[b] - values[a]) || a - b);
  const picked: number[] = [];
  for (const p of order) {
    if (picked.length === k) break;
    if (picked.every((q) => Math.abs(q - p) >= gap)) picked.push(p);
  }
  return picked;
}

/** Histogram of the finite values over [min, max] in `bins` equal bins. */
export function histogram(values: ArrayLike<number>, bins: number): UnitInspection['histogram'] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
  const counts = new Array<number>(bins).fill(0);
  if (!(max >= min)) return { min: 0, max: 0, counts };
  const w = (max - min) / bins || 1;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) counts[Math.min(bins - 1, Math.floor((values[i] - min) / w))]++;
  return { min, max, counts };
}

/** The snippet around token p. */
export function snippet(doc: TextDoc, values: ArrayLike<number>, p: number): InspectorSnippet {
  const from = Math.max(0, p - INSPECTOR_CONFIG.before);
  const to = Math.min(values.length, p + INSPECTOR_CONFIG.after + 1);
  const text = doc.text;
  const tokens: string[] = [];
  const vals: number[] = [];
  for (let k = from; k < to; k++) {
    tokens.push(text.slice(doc.starts[k], doc.starts[k + 1]));
    vals.push(values[k]);
  }
  return { start: doc.starts[p], end: doc.starts[p + 1], value: values[p], tokens, values: vals, focus: p - from };
}

/** The inspection of a target from its values (see targetValues). */
export function inspect(
  doc: TextDoc,
  target: InspectTarget,
  values: Float32Array,
  contexts: number = INSPECTOR_CONFIG.contexts,
): UnitInspection {
  return {
    target,
    tokens: values.length,
    top: extremes(values, contexts, false, INSPECTOR_CONFIG.gap).map((p) => snippet(doc, values, p)),
    bottom: extremes(values, contexts, true, INSPECTOR_CONFIG.gap).map((p) => snippet(doc, values, p)),
    histogram: histogram(values, INSPECTOR_CONFIG.bins),
  };
}
