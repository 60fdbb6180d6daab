// Automatic unit labels: Pearson r between every unit's cell (c) and hidden (h) value and each lexical
// feature of the document's family, measured on held-out text (the tail the model never trained on),
// with the same bounded-history values the overlays show (see traces.ts); each flag's best unit by AUC; and
// linear probes fitted on states of the training text just before the tail, scored on the tail.
//
// Runs on a private StepEngine over a frozen copy of the tokens, so a new model snapshot or an edit in the
// middle of the job neither breaks it nor mixes versions: the answer is for the model and text at the start.
import type { InsightFeature, LabelGate, UnitLabel } from '../../shared/domain';
import { DEFAULT_TRAINING_CONFIG } from '../config';
import type { Predictor } from '../inference';
import { stateSize } from '../lstm';
import { StateCache } from '../stateCache';
import { StepEngine } from '../stepEngine';
import type { TextDoc } from '../textDoc';
import { featuresOf, scanFeatures, type LanguageFamily } from '../lexers/scan';
import { COUNT_FEATURES, fitProbes, fitProbesOn, PROBE_CONFIG, StateRecording, unitAt, type ProbeFit } from './probes';
import { PearsonAccumulator, SeparationAccumulator } from './stats';
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
  /** Also fit a linear probe per feature (see probes.ts); default false. */
  probes?: boolean;
  /**
   * Where the probes are fitted. 'training' (default): states of the training text just before the held-out tail
   * (`PROBE_CONFIG.trainingFitTokens` of it), scored on the whole analysed tail — a probe is a model of its own,
   * so fitting it on text the LSTM trained on is fair as long as it is scored on positions it was not fitted on.
   * 'heldOut': the first part of the tail fits, the rest scores (see fitProbes).
   */
  probeFit?: 'training' | 'heldOut';
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
  /** Per flag feature, the unit whose values alone rank inside above outside best (AUC; below ½: it fires outside). */
  unitAuc: UnitAuc[];
  /** Probes scored on held-out states (fitted on the training text before them, or on the tail's first part). */
  probes?: ProbeFit;
  /** Fits the same probes again from the same states (the CLI times the fit alone). */
  refitProbes?: () => ProbeFit;
  /** Where the probes were fitted: 'heldOut' also when asked for 'training' but no training text precedes the tail. */
  probeFitOn: 'training' | 'heldOut';
}

/** One unit's held-out AUC for a flag feature (binned, see SeparationAccumulator). */
export interface UnitAuc {
  feature: InsightFeature;
  layer: number;
  gate: LabelGate;
  unit: number;
  auc: number;
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
  // Probe fit rows from the training text before the tail: evenly strided, at most maxFitRows of them.
  const fitFirst =
    opts.probes && (opts.probeFit ?? 'training') === 'training'
      ? Math.max(0, first - PROBE_CONFIG.trainingFitTokens)
      : first;
  const fitRec =
    fitFirst < first ? new StateRecording(first - fitFirst, L, H, PROBE_CONFIG.maxFitRows * 2 * L * H) : null;
  const start = Math.min(first, fitFirst);
  // Each unit's own AUC for every flag (threshold-free, unlike Pearson r, which a 0/1 feature caps well below 1).
  const flags = names.map((f, k) => ({ feature: f, k })).filter((f) => !COUNT_FEATURES.includes(f.feature));
  const seps = flags.map(() => new SeparationAccumulator(L * 2 * H));
  const separate = (t: number, trace: readonly Float32Array[], offset: number) =>
    flags.forEach(({ k }, j) => {
      const inside = ys[k][t - first] > 0.5;
      for (let l = 0; l < L; l++) {
        seps[j].add(inside, 4, trace[l], offset + 4 * H, l * 2 * H, H);
        seps[j].add(inside, 5, trace[l], offset + 5 * H, l * 2 * H + H, H);
      }
      seps[j].next(inside);
    });
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
      for (let t = Math.max(0, start - CONTINUOUS_WARMUP); t < last; t++) {
        if (t < first) {
          if (fitRec && t >= fitFirst) {
            engine.step(state, ids.id(frozen.syms[t]), rows, 0);
            fitRec.add(t - fitFirst, rows);
            if ((t & 255) === 0 && opts.between) await opts.between();
          } else engine.step(state, ids.id(frozen.syms[t]));
          continue;
        }
        engine.step(state, ids.id(frozen.syms[t]), rows, 0);
        for (let l = 0; l < L; l++) acc.add(t - first, rows[l], l * 2 * H, 2 * H, 4 * H);
        acc.next();
        separate(t, rows, 0);
        rec?.add(t - first, rows);
        if ((t & 255) === 0 && opts.between) await opts.between();
      }
    } else
      for (let s = Math.floor(start / S); s * S < last; s++) {
        if (opts.between) await opts.between();
        const tr = computeSegment(src, frozen, s);
        if (fitRec)
          for (let t = Math.max(fitFirst, tr.start); t < Math.min(first, tr.end); t++)
            fitRec.add(t - fitFirst, tr.rows, (t - tr.start) * ROWS * H);
        const from = Math.max(first, tr.start);
        const to = Math.min(last, tr.end);
        for (let t = from; t < to; t++) {
          for (let l = 0; l < L; l++)
            acc.add(t - first, tr.rows[l], l * 2 * H, 2 * H, (t - tr.start) * ROWS * H + 4 * H);
          acc.next();
          separate(t, tr.rows, (t - tr.start) * ROWS * H);
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
  const unitAuc: UnitAuc[] = [];
  flags.forEach(({ feature }, j) => {
    const [outside, inside] = seps[j].count;
    if (inside === 0 || outside === 0) return;
    let best: UnitAuc | null = null;
    for (let u = 0; u < L * 2 * H; u++) {
      const auc = seps[j].result(u).auc;
      if (!best || Math.abs(auc - 0.5) > Math.abs(best.auc - 0.5)) best = { feature, ...unitAt(u, H), auc };
    }
    if (best) unitAuc.push(best);
  });
  let refitProbes: (() => ProbeFit) | undefined;
  if (rec) {
    const heldOut = Array.from(rec.positions.subarray(0, rec.rows));
    if (fitRec) {
      const every = Math.ceil(rec.rows / PROBE_CONFIG.maxScoreRows);
      const scored = heldOut.map((_, i) => i).filter((i) => i % every === 0);
      const fitAt = Array.from(fitRec.positions.subarray(0, fitRec.rows));
      const targets = names.map((feature, k) => ({
        feature,
        fit: fitAt.map((p) => table[feature]![fitFirst + p]),
        test: scored.map((i) => ys[k][heldOut[i]]),
      }));
      const fitRows = { data: fitRec.data, rows: fitAt.map((_, i) => i) };
      const testRows = { data: rec.data, rows: scored };
      refitProbes = () => fitProbesOn(rec.D, H, fitRows, testRows, targets);
    } else {
      const targets = names.map((feature, k) => ({ feature, y: heldOut.map((p) => ys[k][p]) }));
      refitProbes = () => fitProbes(rec, targets);
    }
  }
  const probes = refitProbes?.();
  const probeFitOn = fitRec ? 'training' : 'heldOut';
  return { family, first, last, heldOutStart, features, labels, r, unitAuc, probes, refitProbes, probeFitOn };
}
