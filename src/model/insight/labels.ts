// Automatic unit labels: Pearson r between every unit's cell (c) and hidden (h) value and each lexical
// feature of the document's family, measured on held-out text (the tail the model never trained on),
// with the same bounded-history values the overlays show (see traces.ts).
//
// Runs on a private StepEngine over a frozen copy of the tokens, so a new model snapshot or an edit in the
// middle of the job neither breaks it nor mixes versions: the answer is for the model and text at the start.
import type { InsightFeature, UnitLabel } from '../../shared/domain';
import { DEFAULT_TRAINING_CONFIG } from '../config';
import type { Predictor } from '../inference';
import { stateSize } from '../lstm';
import { StateCache } from '../stateCache';
import { StepEngine } from '../stepEngine';
import type { TextDoc } from '../textDoc';
import { featuresOf, scanFeatures, type LanguageFamily } from '../lexers/scan';
import { fitProbes, StateRecording, type ProbeFit, type ProbeTarget } from './probes';
import { PearsonAccumulator } from './stats';
import { computeSegment, heldOutStartToken, ROWS, type Checkpoint, type SegmentSource } from './traces';

export interface LabelOptions {
  /** Best units reported per feature (default 3). */
  perFeature?: number;
  /** Held-out tokens analysed at most (default 50 000: a few seconds at H = 128). */
  maxTokens?: number;
  heldOutFraction?: number;
  /** Runs between segments: yield to the event loop, or throw to abort. */
  between?: Checkpoint;
  /**
   * 'continuous' (default): one run that carries the state through the whole analysed tail, from a zero state
   * `CONTINUOUS_WARMUP` tokens before it — how the model reads text in training (state carried across
   * windows), and the only way a unit can show that it tracks a string or comment longer than the overlay's
   * bounded history. 'bounded': the overlay's values (cursor semantics, see traces.ts), segment by segment.
   */
  history?: 'continuous' | 'bounded';
  /** Also fit a linear probe per feature on the same states (see probes.ts); default false. */
  probes?: boolean;
}

/** Tokens read before the analysed tail in continuous mode (so its first tokens have context too). */
export const CONTINUOUS_WARMUP = 1024;

export interface FeatureStat {
  feature: InsightFeature;
  mean: number;
  sd: number;
}

export interface LabelResult {
  family: LanguageFamily;
  /** Analysed tokens [first, last) — the start of the held-out tail. */
  first: number;
  last: number;
  heldOutStart: number;
  features: FeatureStat[];
  labels: UnitLabel[];
  /** Full correlation table: r[feature][layer][gate] → per-unit r (NaN for constant units or features). */
  r: Map<InsightFeature, { c: Float64Array; h: Float64Array }[]>;
  /** Probes on the same held-out states (first part fits, the rest scores), when asked for. */
  probes?: ProbeFit;
  /** What they were fitted from (the CLI refits them to time the fit alone). */
  probeInputs?: { rec: StateRecording; targets: ProbeTarget[] };
}

export const DEFAULT_LABEL_TOKENS = 50_000;

export async function labelUnits(
  predictor: Predictor,
  doc: TextDoc,
  languageId: string,
  opts: LabelOptions = {},
): Promise<LabelResult> {
  const perFeature = opts.perFeature ?? 3;
  const frac = opts.heldOutFraction ?? DEFAULT_TRAINING_CONFIG.heldOutFraction;
  const frozen = { syms: doc.syms.slice(), tokenCount: doc.tokenCount };
  const heldOutStart = doc.starts[heldOutStartToken(doc, frac)];
  const n = frozen.tokenCount;
  const first = heldOutStartToken(doc, frac);
  const last = Math.min(n, first + (opts.maxTokens ?? DEFAULT_LABEL_TOKENS));
  const { family, table } = scanFeatures(frozen.syms, languageId);
  const names = featuresOf(family);
  const { H, L } = predictor.w;
  const S = predictor.cfg.segmentLength;
  const ys = names.map((f) => table[f]!.subarray(first, last));
  const features: FeatureStat[] = names.map((feature, k) => {
    const y = ys[k];
    let m = 0;
    for (let t = 0; t < y.length; t++) m += y[t];
    m /= Math.max(1, y.length);
    let v = 0;
    for (let t = 0; t < y.length; t++) v += (y[t] - m) * (y[t] - m);
    return { feature, mean: m, sd: Math.sqrt(v / Math.max(1, y.length)) };
  });
  // Units in accumulator order: per layer, c (H) then h (H) — rows 4 and 5 are adjacent in a trace.
  const acc = new PearsonAccumulator(ys, L * 2 * H);
  const rec = opts.probes ? new StateRecording(last - first, L, H) : null;
  const engine = new StepEngine(predictor.w, predictor.arena);
  const src: SegmentSource = {
    engine,
    cache: new StateCache(predictor.cfg, stateSize(predictor.w)),
    predictor,
    fillCheckpoints: false,
  };
  try {
    if ((opts.history ?? 'continuous') === 'continuous') {
      const state = new Float32Array(stateSize(predictor.w));
      const rows = Array.from({ length: L }, () => new Float32Array(ROWS * H));
      const ids = predictor.vocab;
      for (let t = Math.max(0, first - CONTINUOUS_WARMUP); t < last; t++) {
        if (t < first) {
          engine.step(state, ids.id(frozen.syms[t]));
          continue;
        }
        engine.step(state, ids.id(frozen.syms[t]), rows, 0);
        for (let l = 0; l < L; l++) acc.add(t - first, rows[l], l * 2 * H, 2 * H, 4 * H);
        acc.next();
        rec?.add(t - first, rows);
        if ((t & 255) === 0 && opts.between) await opts.between();
      }
    } else
      for (let s = Math.floor(first / S); s * S < last; s++) {
        if (opts.between) await opts.between();
        const tr = computeSegment(src, frozen, s);
        const from = Math.max(first, tr.start);
        const to = Math.min(last, tr.end);
        for (let t = from; t < to; t++) {
          for (let l = 0; l < L; l++)
            acc.add(t - first, tr.rows[l], l * 2 * H, 2 * H, (t - tr.start) * ROWS * H + 4 * H);
          acc.next();
          rec?.add(t - first, tr.rows, (t - tr.start) * ROWS * H);
        }
      }
  } finally {
    engine.dispose();
  }
  const all = acc.result();
  const r = new Map<InsightFeature, { c: Float64Array; h: Float64Array }[]>();
  const labels: UnitLabel[] = [];
  names.forEach((feature, f) => {
    const rf = all[f];
    r.set(
      feature,
      Array.from({ length: L }, (_, l) => ({
        c: rf.slice(l * 2 * H, l * 2 * H + H),
        h: rf.slice(l * 2 * H + H, (l + 1) * 2 * H),
      })),
    );
    const ranked: UnitLabel[] = [];
    for (let u = 0; u < rf.length; u++) {
      if (!Number.isFinite(rf[u])) continue;
      const l = Math.floor(u / (2 * H));
      const k = u % (2 * H);
      ranked.push({ feature, layer: l, gate: k < H ? 'c' : 'h', unit: k % H, r: rf[u] });
    }
    ranked.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.layer - b.layer || a.unit - b.unit);
    labels.push(...ranked.slice(0, perFeature));
  });
  const targets = rec
    ? names.map((feature, k) => ({ feature, y: Array.from(rec.positions.subarray(0, rec.rows), (p) => ys[k][p]) }))
    : [];
  const probes = rec ? fitProbes(rec, targets) : undefined;
  const probeInputs = rec ? { rec, targets } : undefined;
  return { family, first, last, heldOutStart, features, labels, r, probes, probeInputs };
}
